// What every bench reports: our figure beside the ceiling measured in the same run on the same machine.
export interface BenchResult {
  figure: string;
  ours: number;
  /** The best this machine could do for the same work without our code around it (measured, not assumed). */
  ceiling: number;
  unit: string;
  /** How close we come to the ceiling, 1 = as fast as the bare database: ours/ceiling for rates, ceiling/ours for times. */
  ratio: number;
  /** The target an issue set for this figure and whether this run met it, e.g. "≥ 0.8: met". */
  target?: string;
  note?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall-clock seconds of one run of `work`. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** "≥ 0.8: met" or "≥ 0.8: MISSED". */
export function targetMet(target: string, met: boolean): string {
  return `${target}: ${met ? 'met' : 'MISSED'}`;
}
