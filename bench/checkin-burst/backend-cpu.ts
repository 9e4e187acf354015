// CPU time of the PostgreSQL backends serving a database (user + system, from /proc: the server runs on this machine).
import { readFileSync } from 'node:fs';
import type pg from 'pg';

const clockTicksPerSecond = 100;

/** The backends connected to the pool's database now. */
export async function backendPids(pool: pg.Pool): Promise<number[]> {
  return (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid);
}

/** CPU seconds used so far by each of these backends (one that has ended is left out). */
export function backendCpuSeconds(pids: number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond);
    } catch {
      // ended
    }
  }
  return used;
}

/**
 * CPU seconds the backends used between two readings (`after` taken on the backends alive then): one that started in
 * between counts whole; one that ended in between is lost (a pool closes connections idle for 10 s).
 */
export function cpuSecondsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, end] of after) seconds += end - (before.get(pid) ?? 0);
  return seconds;
}
