// Small helpers every bench shares: its scratch database's URL and latency percentiles.

/** The same PostgreSQL server, another database on it. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The p-th percentile (0–100) of the values, nearest rank; the input is not reordered. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
