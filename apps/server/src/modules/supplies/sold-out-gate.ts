// A per-process memory of items that just sold out, so a rush of refusals is answered without touching the hot
// stock row. The database stays the authority: the gate can only refuse, and a mark expires after `ttlMs`, so an
// item restocked on another instance is offered again here within that time (this instance clears its own marks
// at once on cancel or added stock).
export class SoldOutGate {
  private readonly soldOutUntil = new Map<string, number>();

  constructor(private readonly ttlMs = 2000, private readonly now: () => number = Date.now) {}

  /** The first item of `itemIds` known to be sold out, if any. */
  soldOut(itemIds: readonly string[]): string | null {
    if (this.soldOutUntil.size === 0) return null;
    const now = this.now();
    for (const id of itemIds) {
      const until = this.soldOutUntil.get(id);
      if (until === undefined) continue;
      if (until > now) return id;
      this.soldOutUntil.delete(id);
    }
    return null;
  }

  markSoldOut(itemId: string): void {
    this.soldOutUntil.set(itemId, this.now() + this.ttlMs);
  }

  restocked(itemIds: readonly string[]): void {
    for (const id of itemIds) this.soldOutUntil.delete(id);
  }
}
