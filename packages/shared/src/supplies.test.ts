import { canTransition } from './state-machine';
import { groupBuyStateAt, orderCancellableBy, orderTotalFen, orderTransitions, PlaceOrderBody } from './supplies';

const at = (iso: string) => new Date(iso);
const base = { publishedAt: '2026-11-01T00:00:00Z', closedAt: null, opensAt: '2026-11-25T00:00:00Z', closesAt: '2026-11-26T00:00:00Z', soldOut: false };

describe('group buy state, computed from times and flags', () => {
  it.each([
    ['a draft stays a draft whatever the time', { ...base, publishedAt: null }, '2026-11-25T12:00:00Z', 'draft', null],
    ['published, before opening: upcoming', base, '2026-11-24T23:59:59Z', 'upcoming', null],
    ['at the opening instant: open', base, '2026-11-25T00:00:00Z', 'open', null],
    ['at the closing instant: closed by time', base, '2026-11-26T00:00:00Z', 'closed', 'time'],
    ['everything sold out: closed', { ...base, soldOut: true }, '2026-11-25T12:00:00Z', 'closed', 'sold_out'],
    ['closed early by staff', { ...base, closedAt: '2026-11-25T01:00:00Z' }, '2026-11-25T12:00:00Z', 'closed', 'staff'],
  ] as const)('%s', (_name, g, now, state, reason) => {
    expect(groupBuyStateAt(g, at(now))).toEqual({ state, closedReason: reason });
  });
});

describe('order state machine', () => {
  it('allows only the moves of DESIGN.md', () => {
    expect(canTransition(orderTransitions, 'placed', 'packed')).toBe(true);
    expect(canTransition(orderTransitions, 'packed', 'out_for_delivery')).toBe(true);
    expect(canTransition(orderTransitions, 'out_for_delivery', 'delivered')).toBe(true);
    expect(canTransition(orderTransitions, 'placed', 'cancelled')).toBe(true);
    expect(canTransition(orderTransitions, 'packed', 'cancelled')).toBe(true);
    expect(canTransition(orderTransitions, 'out_for_delivery', 'cancelled')).toBe(false);
    expect(canTransition(orderTransitions, 'delivered', 'placed')).toBe(false);
    expect(canTransition(orderTransitions, 'cancelled', 'placed')).toBe(false);
  });

  it('the household cancels only before packing; staff also once packed', () => {
    expect(orderCancellableBy('placed', 'household')).toBe(true);
    expect(orderCancellableBy('packed', 'household')).toBe(false);
    expect(orderCancellableBy('packed', 'staff')).toBe(true);
    expect(orderCancellableBy('out_for_delivery', 'staff')).toBe(false);
  });
});

describe('orders', () => {
  it('totals in integer fen', () => {
    expect(orderTotalFen([{ priceFen: 3990, qty: 2 }, { priceFen: 99, qty: 3 }])).toBe(8277);
    expect(orderTotalFen([])).toBe(0);
  });

  it('refuses any price the client sends, and fractional or zero quantities', () => {
    const itemId = '00000000-0000-4000-8000-000000000001';
    const householdId = '00000000-0000-4000-8000-000000000002';
    expect(PlaceOrderBody.safeParse({ householdId, items: [{ itemId, qty: 1 }] }).success).toBe(true);
    expect(PlaceOrderBody.safeParse({ householdId, items: [{ itemId, qty: 1, priceFen: 1 }] }).success).toBe(false);
    expect(PlaceOrderBody.safeParse({ householdId, items: [{ itemId, qty: 1 }], totalFen: 1 }).success).toBe(false);
    expect(PlaceOrderBody.safeParse({ householdId, items: [{ itemId, qty: 0 }] }).success).toBe(false);
    expect(PlaceOrderBody.safeParse({ householdId, items: [{ itemId, qty: 1.5 }] }).success).toBe(false);
  });
});
