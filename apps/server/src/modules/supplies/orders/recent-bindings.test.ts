import { RecentBindings } from './queries';

describe('recent bindings', () => {
  it('remembers a caller bound to a household for ttlMs, that pair only, and forgets the oldest past its size', () => {
    let now = 0;
    const bindings = new RecentBindings(10_000, 2, () => now);
    expect(bindings.has('u1', 'h1')).toBe(false);
    bindings.remember('u1', 'h1');
    expect(bindings.has('u1', 'h1')).toBe(true);
    expect(bindings.has('u1', 'h2')).toBe(false);
    expect(bindings.has('u2', 'h1')).toBe(false);
    now = 4_999;
    expect(bindings.has('u1', 'h1')).toBe(true);
    now = 5_000; // past half its life: the first to ask is told to look again, the others not
    expect(bindings.has('u1', 'h1')).toBe('renew');
    expect(bindings.has('u1', 'h1')).toBe(true);
    now = 9_999;
    expect(bindings.has('u1', 'h1')).toBe(true);
    now = 10_000;
    expect(bindings.has('u1', 'h1')).toBe(false);
    bindings.remember('u1', 'h1');
    bindings.forget('u1', 'h1'); // the look found it revoked
    expect(bindings.has('u1', 'h1')).toBe(false);
    bindings.remember('u1', 'h1');
    bindings.remember('u2', 'h2');
    bindings.remember('u3', 'h3');
    expect([bindings.has('u1', 'h1'), bindings.has('u2', 'h2'), bindings.has('u3', 'h3')]).toEqual([false, true, true]);
  });
});
