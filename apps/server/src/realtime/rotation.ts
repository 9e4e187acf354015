// Periodic work over many items (every socket, every connected account) from one timer: each tick visits a slice, so
// every item is visited once per period and the work is spread evenly instead of a burst, with no timer per item.

/** A Set or a Map: its live iterator skips entries deleted meanwhile, so a closed socket is not kept alive by the walk. */
interface LiveCollection<T> {
  readonly size: number;
  keys(): IterableIterator<T>;
}

/**
 * Calls `visit` with successive slices of `collection()` (re-read at the start of each period) so each item present
 * for the whole period is visited once per `periodMs`. Returns a function that stops the timer.
 */
export function visitOncePerPeriod<T>(collection: () => LiveCollection<T>, periodMs: number, tickMs: number, visit: (slice: T[]) => void): () => void {
  const tickEveryMs = Math.min(tickMs, periodMs);
  const ticksPerPeriod = Math.max(1, Math.round(periodMs / tickEveryMs));
  let walk: Iterator<T> | null = null;
  let perTick = 0;
  let tick = ticksPerPeriod;
  const timer = setInterval(() => {
    if (tick >= ticksPerPeriod) {
      const items = collection();
      walk = items.keys();
      perTick = Math.ceil(items.size / ticksPerPeriod);
      tick = 0;
    }
    tick++;
    const slice: T[] = [];
    while (walk && slice.length < perTick) {
      const next = walk.next();
      if (next.done) walk = null;
      else slice.push(next.value);
    }
    if (slice.length > 0) visit(slice);
  }, tickEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
