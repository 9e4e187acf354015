// Group buys: staff create drafts, publish, edit, add stock and close early. Open/closed is computed from times.
import type { CreateGroupBuyBody, GroupBuyItemInput, UpdateGroupBuyBody } from '@linli/shared';
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../../../authorization/policy';
import { can } from '../../../authorization/policy';
import type { Database, DbOrTx } from '../../../db/client';
import { groupBuyItems, groupBuys, products } from '../../../db/schema';
import { badRequest, conflict, notFound } from '../../../errors';
import { communityToManage } from '../community-scope';
import type { SoldOutGate } from '../sold-out-gate';

async function itemValues(db: DbOrTx, communityId: string, groupBuyId: string, inputs: GroupBuyItemInput[]) {
  const productIds = inputs.flatMap((i) => (i.productId ? [i.productId] : []));
  const catalog = productIds.length
    ? await db.select().from(products).where(and(inArray(products.id, productIds), eq(products.communityId, communityId)))
    : [];
  const byId = new Map(catalog.map((p) => [p.id, p]));
  return inputs.map((input, index) => {
    const product = input.productId ? byId.get(input.productId) : undefined;
    if (input.productId && !product) {
      throw badRequest('VALIDATION_FAILED', `第 ${index + 1} 个商品不在本社区的商品库中`, [{ field: `items.${index}.productId`, in: 'body', message: 'unknown product' }]);
    }
    return {
      groupBuyId,
      productId: product?.id ?? null,
      name: input.name ?? product!.name,
      unit: input.unit ?? product!.unit,
      category: input.category ?? product?.category ?? null,
      priceFen: input.priceFen ?? product!.priceFen,
      stock: input.stock,
      remaining: input.stock,
      perHouseholdLimit: input.perHouseholdLimit,
      sortOrder: index,
    };
  });
}

export async function createGroupBuy(db: Database, actor: Actor, body: CreateGroupBuyBody): Promise<string> {
  const communityId = communityToManage(actor, body.communityId);
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(groupBuys)
      .values({
        communityId,
        title: body.title,
        description: body.description ?? '',
        opensAt: new Date(body.opensAt),
        closesAt: new Date(body.closesAt),
        deliveryDate: body.deliveryDate ?? null,
        publishedAt: body.publish ? sql`now()` : null,
        createdBy: actor.userId,
      })
      .returning({ id: groupBuys.id });
    await tx.insert(groupBuyItems).values(await itemValues(tx, communityId, created!.id, body.items));
    return created!.id;
  });
}

/** The group buy if the actor manages its community; otherwise 404 (its existence is not revealed). */
export async function managedGroupBuy(db: DbOrTx, actor: Actor, id: string) {
  const [row] = await db.select().from(groupBuys).where(eq(groupBuys.id, id));
  if (!row || !can(actor, 'supplies.manage', row)) throw notFound('团购');
  return row;
}

export async function updateGroupBuy(db: Database, actor: Actor, id: string, body: UpdateGroupBuyBody, gate: SoldOutGate) {
  const current = await managedGroupBuy(db, actor, id);
  const published = current.publishedAt !== null;
  const now = Date.now();
  if (published && body.items) throw conflict('INVALID_TRANSITION', '已发布的团购不能修改商品和价格，可以追加库存', { field: 'items' });
  if (published && body.opensAt && current.opensAt.getTime() <= now) throw conflict('INVALID_TRANSITION', '团购已开始，不能修改开团时间', { field: 'opensAt' });
  const opensAt = body.opensAt ? new Date(body.opensAt) : current.opensAt;
  const closesAt = body.closesAt ? new Date(body.closesAt) : current.closesAt;
  if (closesAt.getTime() <= opensAt.getTime()) {
    throw badRequest('VALIDATION_FAILED', '截止时间须晚于开团时间', [{ field: 'closesAt', in: 'body', message: 'must be after opensAt' }]);
  }
  const restocked: string[] = [];
  await db.transaction(async (tx) => {
    await tx
      .update(groupBuys)
      .set({
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.deliveryDate !== undefined ? { deliveryDate: body.deliveryDate } : {}),
        opensAt,
        closesAt,
        updatedAt: sql`now()`,
      })
      .where(eq(groupBuys.id, id));
    if (body.items) {
      // A draft has no orders, so its items can be replaced wholesale; the publish check above is repeated in SQL.
      const [stillDraft] = await tx.select({ id: groupBuys.id }).from(groupBuys).where(and(eq(groupBuys.id, id), isNull(groupBuys.publishedAt))).for('update');
      if (!stillDraft) throw conflict('INVALID_TRANSITION', '已发布的团购不能修改商品和价格，可以追加库存', { field: 'items' });
      await tx.delete(groupBuyItems).where(eq(groupBuyItems.groupBuyId, id));
      await tx.insert(groupBuyItems).values(await itemValues(tx, current.communityId, id, body.items));
    }
    for (const { itemId, quantity } of body.addStock ?? []) {
      const [row] = await tx
        .update(groupBuyItems)
        .set({ stock: sql`${groupBuyItems.stock} + ${quantity}`, remaining: sql`${groupBuyItems.remaining} + ${quantity}` })
        .where(and(eq(groupBuyItems.id, itemId), eq(groupBuyItems.groupBuyId, id)))
        .returning({ id: groupBuyItems.id });
      if (!row) throw badRequest('VALIDATION_FAILED', '追加库存的商品不属于该团购', [{ field: 'addStock', in: 'body', message: 'unknown item' }]);
      restocked.push(itemId);
    }
  });
  gate.restocked(restocked);
}

export async function publishGroupBuy(db: Database, actor: Actor, id: string) {
  await managedGroupBuy(db, actor, id);
  const [row] = await db
    .update(groupBuys)
    .set({ publishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(groupBuys.id, id), isNull(groupBuys.publishedAt)))
    .returning({ id: groupBuys.id });
  if (!row) throw conflict('INVALID_TRANSITION', '该团购已发布', { from: 'published', to: 'published' });
}

export async function closeGroupBuy(db: Database, actor: Actor, id: string) {
  await managedGroupBuy(db, actor, id);
  const [row] = await db
    .update(groupBuys)
    .set({ closedAt: sql`now()`, closedBy: actor.userId, updatedAt: sql`now()` })
    .where(and(eq(groupBuys.id, id), isNotNull(groupBuys.publishedAt), isNull(groupBuys.closedAt)))
    .returning({ id: groupBuys.id });
  if (!row) throw conflict('INVALID_TRANSITION', '只有已发布且未结束的团购可以结束');
}
