// The catalog: products a community's staff offer in group buys. Everyone in the community may read active ones.
import { CreateProductBody, ErrorBody, IdParams, Product, ProductList, ProductListQuery, UpdateProductBody } from '@linli/shared';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can } from '../../../authorization/policy';
import { products } from '../../../db/schema';
import { notFound } from '../../../errors';
import { communitiesOfActor, communityToManage, managedCommunities } from '../community-scope';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

function toProduct(row: typeof products.$inferSelect): Product {
  return {
    id: row.id,
    communityId: row.communityId,
    name: row.name,
    category: row.category,
    unit: row.unit,
    priceFen: row.priceFen,
    imageUrl: row.imageUrl,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
  };
}

export const productsModule: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/products', {
    schema: { tags: ['supplies'], summary: 'Catalog of the caller\'s community (staff also see inactive products)', querystring: ProductListQuery, response: { 200: ProductList, ...errors } },
  }, async (request) => {
    const communities = communitiesOfActor(request.actor);
    if (communities.length === 0) return { items: [], nextCursor: null };
    const managed = managedCommunities(request.actor);
    const conditions: SQL[] = [inArray(products.communityId, communities)];
    // Non-staff see only active products; staff see inactive ones of communities they manage.
    if (managed.length) conditions.push(sql`(${products.active} OR ${inArray(products.communityId, managed)})`);
    else conditions.push(eq(products.active, true));
    if (request.query.category) conditions.push(eq(products.category, request.query.category));
    if (request.query.active) conditions.push(eq(products.active, request.query.active === 'true'));
    const rows = await app.db.select().from(products).where(and(...conditions)).orderBy(asc(products.category), asc(products.name)).limit(500);
    return { items: rows.map(toProduct), nextCursor: null };
  });

  app.post('/products', {
    schema: { tags: ['supplies'], summary: 'Add a product to the catalog (staff of the community)', body: CreateProductBody, response: { 201: Product, ...errors } },
  }, async (request, reply) => {
    const { communityId: requested, imageUrl, ...fields } = request.body;
    const communityId = communityToManage(request.actor, requested);
    const [row] = await app.db.insert(products).values({ ...fields, imageUrl: imageUrl ?? null, communityId }).returning();
    return reply.status(201).send(toProduct(row!));
  });

  app.patch('/products/:id', {
    schema: { tags: ['supplies'], summary: 'Edit a product or take it off sale (active: false)', params: IdParams, body: UpdateProductBody, response: { 200: Product, ...errors } },
  }, async (request) => {
    const [existing] = await app.db.select({ communityId: products.communityId }).from(products).where(eq(products.id, request.params.id));
    if (!existing || !can(request.actor, 'supplies.manage', existing)) throw notFound('商品');
    const [row] = await app.db
      .update(products)
      .set({ ...request.body, updatedAt: sql`now()` })
      .where(eq(products.id, request.params.id))
      .returning();
    return toProduct(row!);
  });
};
