// 分拣单: one building's live orders as item totals for the supplier and per-household lines for the packers.
// Households with care tags (elderly alone, chronic medication …) come first so they are packed and delivered first.
import { careTagLabels, CareTag, formatFen, formatShanghaiDateTime, orderStatusLabels, type PickingList } from '@linli/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { buildings, households, orderItems, orders, persons } from '../../../db/schema';

export async function pickingListOf(db: DbOrTx, buildingId: string, groupBuyId: string | undefined): Promise<PickingList> {
  const [building] = await db.select({ name: buildings.name }).from(buildings).where(eq(buildings.id, buildingId));
  const rows = await db
    .select({
      orderId: orders.id,
      status: orders.status,
      totalFen: orders.totalFen,
      householdId: orders.householdId,
      unit: households.unit,
      room: households.room,
      itemId: orderItems.itemId,
      name: orderItems.name,
      itemUnit: orderItems.unit,
      priceFen: orderItems.priceFen,
      qty: orderItems.quantity,
    })
    .from(orders)
    .innerJoin(households, eq(households.id, orders.householdId))
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .where(and(eq(orders.buildingId, buildingId), inArray(orders.status, ['placed', 'packed']), groupBuyId ? eq(orders.groupBuyId, groupBuyId) : undefined));

  const householdIds = [...new Set(rows.map((r) => r.householdId))];
  const tagRows = householdIds.length
    ? await db.select({ householdId: persons.householdId, careTags: persons.careTags }).from(persons).where(inArray(persons.householdId, householdIds))
    : [];
  const tagsOf = new Map<string, Set<CareTag>>();
  for (const t of tagRows) {
    const set = tagsOf.get(t.householdId) ?? new Set<CareTag>();
    for (const tag of t.careTags) if (CareTag.safeParse(tag).success) set.add(tag as CareTag);
    tagsOf.set(t.householdId, set);
  }

  const totals = new Map<string, PickingList['totals'][number]>();
  const byHousehold = new Map<string, PickingList['households'][number]>();
  const orderTotals = new Map<string, number>();
  for (const r of rows) {
    const total = totals.get(r.itemId) ?? { itemId: r.itemId, name: r.name, unit: r.itemUnit, qty: 0, amountFen: 0 };
    total.qty += r.qty;
    total.amountFen += r.qty * r.priceFen;
    totals.set(r.itemId, total);
    orderTotals.set(r.orderId, r.totalFen);
    const h = byHousehold.get(r.householdId) ?? { householdId: r.householdId, unit: r.unit, room: r.room, careTags: [...(tagsOf.get(r.householdId) ?? [])], orders: [] };
    let order = h.orders.find((o) => o.orderId === r.orderId);
    if (!order) {
      order = { orderId: r.orderId, status: r.status, lines: [] };
      h.orders.push(order);
    }
    order.lines.push({ name: r.name, unit: r.itemUnit, qty: r.qty });
    byHousehold.set(r.householdId, h);
  }
  const roomOrder = (a: { unit: string; room: string }, b: { unit: string; room: string }) =>
    a.unit.localeCompare(b.unit, 'zh-CN', { numeric: true }) || a.room.localeCompare(b.room, 'zh-CN', { numeric: true });
  return {
    buildingId,
    buildingName: building?.name ?? '',
    groupBuyId: groupBuyId ?? null,
    generatedAt: new Date().toISOString(),
    totals: [...totals.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    households: [...byHousehold.values()].sort((a, b) => Number(b.careTags.length > 0) - Number(a.careTags.length > 0) || roomOrder(a, b)),
    totalFen: [...orderTotals.values()].reduce((s, v) => s + v, 0),
  };
}

function csvCell(value: string | number): string {
  const s = String(value);
  // A leading = + - @ would run as a formula in Excel.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const tagsText = (tags: CareTag[]) => tags.map((t) => careTagLabels[t]).join('、');

/** CSV for the supplier, UTF-8 with BOM so Excel on Windows reads the Chinese. */
export function pickingListCsv(list: PickingList): string {
  const lines: (string | number)[][] = [
    ['分拣单', list.buildingName, `生成于 ${formatShanghaiDateTime(list.generatedAt)}`],
    [],
    ['汇总', '商品', '单位', '数量', '金额(元)'],
    ...list.totals.map((t) => ['', t.name, t.unit, t.qty, (t.amountFen / 100).toFixed(2)]),
    [],
    ['单元', '房号', '关怀', '商品', '单位', '数量', '状态'],
    ...list.households.flatMap((h) =>
      h.orders.flatMap((o) => o.lines.map((l) => [h.unit, h.room, tagsText(h.careTags), l.name, l.unit, l.qty, orderStatusLabels[o.status]])),
    ),
  ];
  return `\uFEFF${lines.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A printable page: totals first, then one block per household (care-tagged households first and marked ★). */
export function pickingListHtml(list: PickingList): string {
  const totals = list.totals
    .map((t) => `<tr><td>${escapeHtml(t.name)}</td><td>${escapeHtml(t.unit)}</td><td class="n">${t.qty}</td><td class="n">${formatFen(t.amountFen)}</td></tr>`)
    .join('');
  const households = list.households
    .map((h) => {
      const lines = h.orders.flatMap((o) => o.lines.map((l) => `${escapeHtml(l.name)} × ${l.qty}${escapeHtml(l.unit)}`)).join('<br>');
      const care = h.careTags.length ? `<span class="care">★ ${escapeHtml(tagsText(h.careTags))}</span>` : '';
      return `<tr${h.careTags.length ? ' class="cared"' : ''}><td>${escapeHtml(h.unit)}单元 ${escapeHtml(h.room)}</td><td>${care}</td><td>${lines}</td><td class="box"></td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>分拣单 ${escapeHtml(list.buildingName)}</title>
<style>body{font-family:sans-serif;margin:16px;font-size:14px}table{border-collapse:collapse;width:100%;margin-bottom:16px}
th,td{border:1px solid #333;padding:4px 6px;text-align:left;vertical-align:top}.n{text-align:right}.care{font-weight:bold}
tr.cared td{background:#fff3e0}.box{width:48px}</style></head><body>
<h1>分拣单 · ${escapeHtml(list.buildingName)}</h1><p>生成于 ${formatShanghaiDateTime(list.generatedAt)} · 合计 ${formatFen(list.totalFen)} · ${list.households.length} 户</p>
<h2>商品汇总（供货商）</h2><table><thead><tr><th>商品</th><th>单位</th><th>数量</th><th>金额</th></tr></thead><tbody>${totals}</tbody></table>
<h2>按户分拣（★ 关怀户优先）</h2><table><thead><tr><th>房号</th><th>关怀</th><th>商品</th><th>已装</th></tr></thead><tbody>${households}</tbody></table>
</body></html>`;
}
