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
