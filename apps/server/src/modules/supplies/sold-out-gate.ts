// A per-process memory of items that just sold out, so a rush of refusals is answered without touching the hot
// stock row. The database stays the authority: the gate can only refuse, and a mark expires after `ttlMs`, so an
// item restocked on another instance is offered again here within that time (this instance clears its own marks
// at once on cancel or added stock).
export class SoldOutGate {
  private readonly marks = new Map<string, { markedAt: number; until: number }>();

  constructor(private readonly ttlMs = 2000, readonly now: () => number = Date.now) {}

  /** The first item of `itemIds` known to be sold out, if any. */
  soldOut(itemIds: readonly string[]): string | null {
    if (this.marks.size === 0) return null;
    const now = this.now();
    for (const id of itemIds) {
      const mark = this.marks.get(id);
      if (mark === undefined) continue;
      if (mark.until > now) return id;
      this.marks.delete(id);
    }
    return null;
  }

  /**
   * Whether `itemId` was seen sold out at or before `instant` (and still is, as far as this gate knows): every order
   * that took its stock had then committed, so a read started after `instant` sees them.
   */
  soldOutBefore(itemId: string, instant: number): boolean {
    const mark = this.marks.get(itemId);
    return mark !== undefined && mark.markedAt <= instant && mark.until > this.now();
  }

  markSoldOut(itemId: string): void {
    const now = this.now();
    this.marks.set(itemId, { markedAt: now, until: now + this.ttlMs });
  }

  restocked(itemIds: readonly string[]): void {
    for (const id of itemIds) this.marks.delete(id);
  }
}
