import type { Database } from '../../../db/client';
import { bindingAndReplay } from './queries';

/**
 * A stand-in for the pg pool that answers the look-up statement from `orders` (user:key → order id) and `bound`
 * (user:household), and holds each statement until the test releases it.
 */
function fakeDatabase(orders: Map<string, string>, bound: Set<string>) {
  const statements: { values: string[][]; release: () => void; fail: (err: Error) => void }[] = [];
  const client = {
    totalCount: 0,
    query: ({ values }: { values: string[][] }) => new Promise((resolve, reject) => {
      const [userIds, householdIds, keys] = values as [string[], string[], string[]];
      const rows = userIds.map((userId, i) => ({
        n: String(i + 1),
        bound: bound.has(`${userId}:${householdIds[i]}`),
        replay: orders.has(`${userId}:${keys[i]}`) ? { orderId: orders.get(`${userId}:${keys[i]}`)!, requestHash: 'h' } : null,
      }));
      // Answered in an order other than asked, as a database may.
      statements.push({ values, release: () => resolve({ rows: rows.reverse() }), fail: reject });
    }),
  };
  return { db: { $client: client } as unknown as Database, statements };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('bindingAndReplay', () => {
  it('sends the asks made while a statement is under way together in the next one, and answers each its own', async () => {
    const { db, statements } = fakeDatabase(new Map([['u2:k2', 'order-2'], ['u4:k4', 'order-4']]), new Set(['u1:h1', 'u2:h2', 'u4:h4']));
    const first = bindingAndReplay(db, 'u1', 'h1', 'k1');
    await tick();
    expect(statements).toHaveLength(1);
    const later = [bindingAndReplay(db, 'u2', 'h2', 'k2'), bindingAndReplay(db, 'u3', 'h3', 'k3'), bindingAndReplay(db, 'u4', 'h4', 'k4')];
    await tick();
    expect(statements).toHaveLength(1); // the later asks wait for a statement sent after them
    statements[0]!.release();
    expect(await first).toEqual({ bound: true, replay: null });
    await tick();
    expect(statements).toHaveLength(2);
    expect(statements[1]!.values[0]).toEqual(['u2', 'u3', 'u4']);
    statements[1]!.release();
    expect(await Promise.all(later)).toEqual([
      { bound: true, replay: { orderId: 'order-2', requestHash: 'h' } },
      { bound: false, replay: null },
      { bound: true, replay: { orderId: 'order-4', requestHash: 'h' } },
    ]);
  });

  it('a failed statement fails only the asks it carried; the next ones are sent and answered', async () => {
    const { db, statements } = fakeDatabase(new Map(), new Set(['u1:h1']));
    const failing = bindingAndReplay(db, 'u9', 'h9', 'k9');
    await tick();
    const next = bindingAndReplay(db, 'u1', 'h1', 'k1');
    statements[0]!.fail(new Error('connection lost'));
    await expect(failing).rejects.toThrow('connection lost');
    await tick();
    expect(statements).toHaveLength(2);
    statements[1]!.release();
    expect(await next).toEqual({ bound: true, replay: null });
  });
});
