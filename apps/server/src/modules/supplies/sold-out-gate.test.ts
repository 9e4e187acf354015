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

describe('placedWithKey', () => {
  it('tells from the orders read after the mark whether a request retries a placed order; null whenever it cannot know', async () => {
    let now = 1000;
    const reads: string[] = [];
    let finishRead!: (keys: string[]) => void;
    const gate = new SoldOutGate(2000, () => now, (itemId) => {
      reads.push(itemId);
      return new Promise((resolve) => (finishRead = resolve));
    });
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBeNull(); // no mark
    gate.markSoldOut('a');
    expect(reads).toEqual(['a']);
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBeNull(); // orders not read yet
    finishRead(['u1:k1']);
    await Promise.resolve();
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBe(true);
    expect(gate.placedWithKey('a', 'u1', 'k2')).toBe(false);
    expect(gate.placedWithKey('a', 'u2', 'k1')).toBe(false);

    gate.markSoldOut('a'); // a fresh look at the database: read again, and not known until then
    expect(reads).toEqual(['a', 'a']);
    expect(gate.placedWithKey('a', 'u1', 'k2')).toBeNull();
    finishRead(['u1:k1', 'u1:k2']);
    await Promise.resolve();
    expect(gate.placedWithKey('a', 'u1', 'k2')).toBe(true);

    now += 2000;
    expect(gate.placedWithKey('a', 'u1', 'k2')).toBeNull(); // expired: another instance may have restocked
    gate.markSoldOut('a');
    finishRead(['u1:k1']);
    await Promise.resolve();
    gate.restocked(['a']);
    expect(gate.placedWithKey('a', 'u1', 'k9')).toBeNull();
  });

  it('a read that finishes after the item was restocked and marked again is not used', async () => {
    const finishes: ((keys: string[]) => void)[] = [];
    const gate = new SoldOutGate(2000, Date.now, () => new Promise((resolve) => finishes.push(resolve)));
    gate.markSoldOut('a');
    gate.restocked(['a']);
    gate.markSoldOut('a');
    finishes[0]!([]); // the first read: from before the restock
    await Promise.resolve();
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBeNull();
    finishes[1]!(['u1:k1']);
    await Promise.resolve();
    expect(gate.placedWithKey('a', 'u1', 'k1')).toBe(true);
  });
});
