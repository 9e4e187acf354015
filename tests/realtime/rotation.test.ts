// The one-timer walk behind the heartbeat and the membership refresh: every item once per period, in even slices
// (no burst), skipping items removed meanwhile (a closed socket is neither visited nor kept alive).
import { visitOncePerPeriod } from '@linli/server/realtime/rotation';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it('visits each of 5,000 items once per period, at most ceil(5000 / ticks) per tick', () => {
  const items = new Set(Array.from({ length: 5000 }, (_, i) => i));
  const visits = new Map<number, number>();
  const sliceSizes: number[] = [];
  const stop = visitOncePerPeriod(() => items, 30_000, 250, (slice) => {
    sliceSizes.push(slice.length);
    for (const i of slice) visits.set(i, (visits.get(i) ?? 0) + 1);
  });
  jest.advanceTimersByTime(30_000);
  expect(visits.size).toBe(5000);
  expect([...visits.values()].every((n) => n === 1)).toBe(true);
  expect(Math.max(...sliceSizes)).toBe(Math.ceil(5000 / 120));
  jest.advanceTimersByTime(30_000);
  expect([...visits.values()].every((n) => n === 2)).toBe(true);
  stop();
  jest.advanceTimersByTime(30_000);
  expect([...visits.values()].every((n) => n === 2)).toBe(true);
});

it('skips items deleted before their turn', () => {
  const items = new Map(Array.from({ length: 100 }, (_, i) => [`u${i}`, i]));
  const visited: string[] = [];
  const stop = visitOncePerPeriod(() => items, 10_000, 1000, (slice) => visited.push(...slice));
  jest.advanceTimersByTime(1000);
  expect(visited).toHaveLength(10);
  items.delete('u50');
  jest.advanceTimersByTime(9000);
  stop();
  expect(visited).toHaveLength(99);
  expect(visited).not.toContain('u50');
});
