// How many placements this process sends to the database at once. In a rush they all wait on one stock row, so more
// in flight buys nothing; the rest wait here instead of in the pool's queue, where a statement already handed over can
// no longer be held back. Here each one looks at the sold-out gate again when its turn comes: once the item is gone
// the queue is refused from memory instead of each running a placement that can only fail.
export class PlacementQueue {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit = 8) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inFlight++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next one
      else this.inFlight--;
    }
  }
}
