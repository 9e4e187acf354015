// How many placements this process sends to the database at once. In a rush they all wait on one stock row, so more
// in flight buys nothing; the rest wait here instead of in the pool's queue, where a statement already handed over can
// no longer be held back. Here each one looks at the sold-out gate again when its turn comes: once the item is gone
// the queue is refused from memory instead of each running a placement that can only fail.
import { serviceUnavailable } from '../../../errors';

interface Waiter {
  go: () => void;
  timer: NodeJS.Timeout;
}

export class PlacementQueue {
  private inFlight = 0;
  private readonly waiting: Waiter[] = [];

  /**
   * `limit` placements at once; a placement that waits longer than `maxWaitMs` for its turn gets 503 (like a request
   * that found no free database connection within the pool's timeout), so the client retries with the same key.
   */
  constructor(readonly limit = 8, private readonly maxWaitMs = 5000) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight < this.limit) this.inFlight++;
    else await this.turn();
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.go(); // the slot passes straight to the next one
      } else {
        this.inFlight--;
      }
    }
  }

  private turn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        go: resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(serviceUnavailable('下单的人太多，请稍后重试'));
        }, this.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }
}
