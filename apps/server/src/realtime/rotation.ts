// Periodic work over many items (every socket, every connected account) from one timer: each tick visits a slice, so
// every item is visited once per period and the work is spread evenly instead of a burst, with no timer per item.

/**
 * Calls `visit` with successive slices of `items()` (re-read at the start of each period) so each item is visited
 * once per `periodMs`. Returns a function that stops the timer.
 */
export function visitOncePerPeriod<T>(items: () => Iterable<T>, periodMs: number, tickMs: number, visit: (slice: T[]) => void): () => void {
  const ticksPerPeriod = Math.max(1, Math.round(periodMs / Math.min(tickMs, periodMs)));
  let rotation: T[] = [];
  let cursor = 0;
  let perTick = 0;
  let tick = ticksPerPeriod;
  const timer = setInterval(() => {
    if (tick >= ticksPerPeriod) {
      rotation = [...items()];
      cursor = 0;
      perTick = Math.ceil(rotation.length / ticksPerPeriod);
      tick = 0;
    }
    tick++;
    if (cursor >= rotation.length) return;
    const slice = rotation.slice(cursor, cursor + perTick);
    cursor += slice.length;
    if (cursor >= rotation.length) rotation = []; // drop references to sockets that may close before the next period
    visit(slice);
  }, Math.min(tickMs, periodMs));
  timer.unref();
  return () => clearInterval(timer);
}
