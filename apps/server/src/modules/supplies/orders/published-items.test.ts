import type { DbOrTx } from '../../../db/client';
import { PublishedItems } from './published-items';

/** A stand-in for drizzle's select chain: counts look-ups and holds each until the test releases it. */
function fakeDatabase() {
  const lookups: { release: (rows: unknown[]) => void }[] = [];
  const db = {
    select: () => ({ from: () => ({ innerJoin: () => ({ where: () => new Promise((resolve) => lookups.push({ release: resolve })) }) }) }),
  } as unknown as DbOrTx;
  return { db, lookups };
}

const row = (itemId: string, groupBuyId: string) => ({ item: { id: itemId, groupBuyId }, groupBuy: { id: groupBuyId, publishedAt: new Date() } });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('published items', () => {
  it('orders that miss the cache at the same moment share one look-up, and the next ones hit the cache', async () => {
    const { db, lookups } = fakeDatabase();
    const published = new PublishedItems();
    const loads = Array.from({ length: 50 }, () => published.load(db, ['item-1']));
    await tick();
    expect(lookups).toHaveLength(1);
    lookups[0]!.release([row('item-1', 'gb-1')]);
    for (const found of await Promise.all(loads)) expect(found.get('item-1')?.groupBuy.id).toBe('gb-1');
    expect((await published.load(db, ['item-1'])).get('item-1')?.item.id).toBe('item-1');
    expect(lookups).toHaveLength(1);
  });

  it('a look-up under way when staff change the group buy is not cached, and orders after the change look again', async () => {
    const { db, lookups } = fakeDatabase();
    const published = new PublishedItems();
    const before = published.load(db, ['item-1']);
    await tick();
    published.forget('gb-1');
    const afterChange = published.load(db, ['item-1']);
    await tick();
    expect(lookups).toHaveLength(2); // it did not join the look-up begun before the change
    lookups[0]!.release([row('item-1', 'gb-1')]);
    await before;
    void published.load(db, ['item-1']);
    await tick();
    expect(lookups).toHaveLength(3); // what the older look-up read was not cached
    lookups[1]!.release([row('item-1', 'gb-1')]);
    lookups[2]!.release([row('item-1', 'gb-1')]);
    await afterChange;
  });

  it('an item that is not found is absent from the answer', async () => {
    const { db, lookups } = fakeDatabase();
    const published = new PublishedItems();
    const load = published.load(db, ['missing']);
    await tick();
    lookups[0]!.release([]);
    expect((await load).has('missing')).toBe(false);
  });
});
