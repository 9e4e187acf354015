import { describePassPolicy, isTripOverdue, quotaOf } from './passes';
import { isLowStock, stockDelta } from './reserves';

const policy = { exitsPerWindow: 2, windowDays: 2, maxOutMinutes: 120 };
const now = new Date('2026-11-25T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

describe('quotaOf', () => {
  it('counts only exits inside the sliding window', () => {
    expect(quotaOf(policy, 'regular', [hoursAgo(49), hoursAgo(3)], now)).toEqual({ limit: 2, used: 1, remaining: 1, windowDays: 2, nextExitAt: null });
  });

  it('with none left, the next exit opens when the oldest counted exit leaves the window', () => {
    const q = quotaOf(policy, 'regular', [hoursAgo(10), hoursAgo(30)], now);
    expect(q).toMatchObject({ used: 2, remaining: 0 });
    expect(q.nextExitAt).toBe(new Date(hoursAgo(30).getTime() + 48 * 3_600_000).toISOString());
  });

  it('never reports a negative remainder, and does not limit a medical exception', () => {
    expect(quotaOf(policy, 'regular', [hoursAgo(1), hoursAgo(2), hoursAgo(3)], now).remaining).toBe(0);
    expect(quotaOf(policy, 'medical', [hoursAgo(1), hoursAgo(2), hoursAgo(3)], now)).toMatchObject({ limit: null, remaining: null, used: 3 });
  });
});

it('a trip is overdue when it is still out past its due time, or came back late', () => {
  expect(isTripOverdue({ dueBackAt: hoursAgo(1), returnAt: null }, now)).toBe(true);
  expect(isTripOverdue({ dueBackAt: hoursAgo(-1), returnAt: null }, now)).toBe(false);
  expect(isTripOverdue({ dueBackAt: hoursAgo(2), returnAt: hoursAgo(3) }, now)).toBe(false);
  expect(isTripOverdue({ dueBackAt: hoursAgo(3), returnAt: hoursAgo(2) }, now)).toBe(true);
});

it('describes the policy in Chinese', () => {
  expect(describePassPolicy(policy)).toBe('每户每 2 天可出门 2 次，每次不超过 2 小时');
  expect(describePassPolicy({ ...policy, maxOutMinutes: 90 })).toContain('90 分钟');
});

it('reserve stock: received adds, issued and lost take; low at or below the threshold', () => {
  expect([stockDelta('received', 5), stockDelta('issued', 5), stockDelta('lost_expired', 5)]).toEqual([5, -5, -5]);
  expect(isLowStock({ stock: 10, lowStockThreshold: 10 })).toBe(true);
  expect(isLowStock({ stock: 11, lowStockThreshold: 10 })).toBe(false);
});
