// A per-process memory of items that just sold out, so a rush of refusals is answered without touching the hot
// stock row. The database stays the authority: the gate can only refuse, and a mark lives `ttlMs` from the last time
// the database showed the item sold out, so an item restocked on another instance is offered again here within that
// time (this instance clears its own marks at once on cancel or added stock).
interface Mark {
  markedAt: number;
  until: number;
  /** `userId:idempotencyKey` of every order holding the item, once read (after the mark was made). */
  placedKeys: Set<string> | null;
  /** A read that may renew the mark is under way. */
  renewing: boolean;
}

/** What the database says of an item now: sold out or not, and the orders holding it, read in one snapshot. */
export type ReadSoldOutItem = (itemId: string) => Promise<{ soldOut: boolean; placedKeys: string[] }>;

export class SoldOutGate {
  private readonly marks = new Map<string, Mark>();

  /**
   * `readItem`, when given, reads the orders holding an item as it is marked, so a refusal can tell from memory that
   * a request is not the retry of an order already placed; and once a mark is half its life old, the next refusal
   * reads the item again in the background, renewing the mark (with its orders) while the item stays sold out, so a
   * long rush of refusals never falls back to the database all at once.
   */
  constructor(
    private readonly ttlMs = 2000,
    readonly now: () => number = Date.now,
    private readonly readItem?: ReadSoldOutItem,
  ) {}

  /** The first item of `itemIds` known to be sold out, if any. */
  soldOut(itemIds: readonly string[]): string | null {
    if (this.marks.size === 0) return null;
    const now = this.now();
    for (const id of itemIds) {
      const mark = this.marks.get(id);
      if (mark === undefined) continue;
      if (mark.until > now) {
        if (this.readItem && !mark.renewing && now - mark.markedAt >= this.ttlMs / 2) this.renew(id, mark);
        return id;
      }
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
    const mark: Mark = { markedAt: now, until: now + this.ttlMs, placedKeys: null, renewing: true };
    this.marks.set(itemId, mark);
    this.readItem?.(itemId).then(
      ({ soldOut, placedKeys }) => {
        if (this.marks.get(itemId) !== mark) return;
        if (!soldOut) this.marks.delete(itemId); // stock came back meanwhile
        else {
          mark.placedKeys = new Set(placedKeys);
          mark.renewing = false;
        }
      },
      () => void (mark.renewing = false), // not known: refusals keep asking the database
    );
  }

  private renew(itemId: string, mark: Mark): void {
    mark.renewing = true;
    this.readItem!(itemId).then(
      ({ soldOut, placedKeys }) => {
        if (this.marks.get(itemId) !== mark) return;
        if (!soldOut) return void this.marks.delete(itemId);
        const now = this.now();
        this.marks.set(itemId, { markedAt: now, until: now + this.ttlMs, placedKeys: new Set(placedKeys), renewing: false });
      },
      () => void (mark.renewing = false),
    );
  }

  /**
   * Whether `userId` placed an order holding the sold-out item with this Idempotency-Key: null while the gate cannot
   * tell (no live mark, or its orders not read yet). An item marked here cannot sell again until it is restocked, which
   * clears the mark here at once and on other instances within the mark's lifetime.
   */
  placedWithKey(itemId: string, userId: string, key: string): boolean | null {
    const mark = this.marks.get(itemId);
    if (!mark || mark.until <= this.now() || !mark.placedKeys) return null;
    return mark.placedKeys.has(`${userId}:${key}`);
  }

  restocked(itemIds: readonly string[]): void {
    for (const id of itemIds) this.marks.delete(id);
  }
}
