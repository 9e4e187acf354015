import { SoldOutGate } from './sold-out-gate';

describe('the sold-out gate', () => {
  it('refuses a marked item until its mark expires or it is restocked here', () => {
    let now = 1000;
    const gate = new SoldOutGate(2000, () => now);
    expect(gate.soldOut(['a', 'b'])).toBeNull();
    gate.markSoldOut('b');
    expect(gate.soldOut(['a', 'b'])).toBe('b');
    now += 1999;
    expect(gate.soldOut(['b'])).toBe('b');
    now += 1;
    expect(gate.soldOut(['b'])).toBeNull(); // another instance may have restocked: ask the database again
    gate.markSoldOut('a');
    gate.restocked(['a']);
    expect(gate.soldOut(['a'])).toBeNull();
  });
});

describe('soldOutBefore', () => {
  it('is true only for a mark made at or before the instant and not yet expired', () => {
    let now = 1000;
    const gate = new SoldOutGate(2000, () => now);
    expect(gate.soldOutBefore('a', now)).toBe(false);
    gate.markSoldOut('a');
    expect(gate.soldOutBefore('a', 999)).toBe(false); // a read started before the mark may have missed an order
    expect(gate.soldOutBefore('a', 1000)).toBe(true);
    now += 2000;
    expect(gate.soldOutBefore('a', 1500)).toBe(false);
  });
});

/** A reader whose answers the test gives, in order of the reads. */
function heldReads() {
  const reads: { itemId: string; answer: (soldOut: boolean, placedKeys?: string[]) => Promise<void> }[] = [];
  const readItem = (itemId: string) => new Promise<{ soldOut: boolean; placedKeys: string[] }>((resolve) => {
    reads.push({ itemId, answer: async (soldOut, placedKeys = []) => { resolve({ soldOut, placedKeys }); await Promise.resolve(); } });
  });
  return { reads, readItem };
}

describe('placedWithKey', () => {
  it('tells from the orders read after the mark whether a request retries a placed order; null whenever it cannot know', async () => {
    let now = 1000;
    const { reads, readItem } = heldReads();
    const gate = new SoldOutGate(2000, () => now, readItem);
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBeNull(); // no mark
    gate.markSoldOut('a');
    expect(reads.map((r) => r.itemId)).toEqual(['a']);
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBeNull(); // orders not read yet
    await reads[0]!.answer(true, ['u1:k1']);
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBe(true);
    expect(gate.placedWithKey('a', 'u1', 'k2')).toBe(false);
    expect(gate.placedWithKey('a', 'u2', 'k1')).toBe(false);

    gate.markSoldOut('a'); // a fresh look at the database: read again, and not known until then
    expect(gate.placedWithKey('a', 'u1', 'k2')).toBeNull();
    await reads[1]!.answer(true, ['u1:k1', 'u1:k2']);
    expect(gate.placedWithKey('a', 'u1', 'k2')).toBe(true);

    now += 2000;
    expect(gate.placedWithKey('a', 'u1', 'k2')).toBeNull(); // expired: another instance may have restocked
    gate.markSoldOut('a');
    await reads[2]!.answer(true, ['u1:k1']);
    gate.restocked(['a']);
    expect(gate.placedWithKey('a', 'u1', 'k9')).toBeNull();
  });

  it('a read that finishes after the item was restocked and marked again is not used', async () => {
    const { reads, readItem } = heldReads();
    const gate = new SoldOutGate(2000, Date.now, readItem);
    gate.markSoldOut('a');
    gate.restocked(['a']);
    gate.markSoldOut('a');
    await reads[0]!.answer(true, []); // the first read: from before the restock
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBeNull();
    await reads[1]!.answer(true, ['u1:k1']);
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBe(true);
  });

  it('drops the mark when the read finds stock again', async () => {
    const { reads, readItem } = heldReads();
    const gate = new SoldOutGate(2000, Date.now, readItem);
    gate.markSoldOut('a');
    await reads[0]!.answer(false);
    expect(gate.soldOut(['a'])).toBeNull();
  });
});

describe('renewal', () => {
  it('past half its life, a refusal reads the item again in the background: still sold out renews the mark and its orders, stock back drops it', async () => {
    let now = 1000;
    const { reads, readItem } = heldReads();
    const gate = new SoldOutGate(2000, () => now, readItem);
    gate.markSoldOut('a');
    await reads[0]!.answer(true, ['u1:k1']);
    now += 999;
    expect(gate.soldOut(['a'])).toBe('a');
    expect(reads).toHaveLength(1); // young mark: no read
    now += 1;
    expect(gate.soldOut(['a'])).toBe('a');
    expect(gate.soldOut(['a'])).toBe('a');
    expect(reads).toHaveLength(2); // one read, however many refusals meanwhile
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBe(true); // the old orders still answer during the read
    now += 500;
    await reads[1]!.answer(true, ['u1:k1', 'u2:k2']);
    now += 1900; // past the first mark's life, within the renewed one
    expect(gate.soldOut(['a'])).toBe('a');
    expect(gate.placedWithKey('a', 'u2', 'k2')).toBe(true);
    expect(gate.soldOutBefore('a', 2499)).toBe(false); // the renewed mark counts from its read
    expect(gate.soldOutBefore('a', 2500)).toBe(true);
    expect(reads).toHaveLength(3);
    await reads[2]!.answer(false); // restocked on another instance
    expect(gate.soldOut(['a'])).toBeNull();
  });
});
