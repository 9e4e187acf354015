// `pnpm bench`: runs every bench (bench/benches.ts) against PostgreSQL, each in its own child process, shows their
// progress, prints one table (figure, ours, ceiling, ratio, target) and writes bench/results.json with the machine.
// `pnpm bench chat-read sockets-10k` (or BENCH=chat-read,sockets-10k) runs only the benches named.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benches, type BenchEntry } from './benches';
import type { BenchResult } from './lib/result';

/** A bench that goes this long without printing anything gets a "still running" line. */
const quietMs = 30_000;
/** A bench still running after this long is stopped and reported as failed (its scratch database is then left behind). */
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MINUTES ?? 30) * 60_000;

const only = [...process.argv.slice(2), ...(process.env.BENCH ? process.env.BENCH.split(',') : [])].filter(Boolean);

interface BenchRun {
  name: string;
  startedAt: string;
  seconds: number;
  loadAverageStart: number[];
  loadAverageEnd: number[];
  ok: boolean;
  error?: string;
}

const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));
const clock = (ms: number) => `${String(Math.floor(ms / 60_000)).padStart(2, '0')}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The target of a figure: its own, or the "target …" clause of its note (benches that predate the field). */
function targetOf(r: BenchResult): string {
  if (r.target) return r.target;
  const clause = r.note?.match(/target[^;]*?(: (met|MISSED))/)?.[0] ?? r.note?.match(/target[^;(]*/)?.[0];
  return clause ? clause.replace(/^target:?\s*/, '').trim() : '';
}

function printTable(results: (BenchResult & { bench: string })[]): void {
  const rows = [
    ['figure', 'ours', 'ceiling', 'unit', 'ratio', 'target'],
    ...results.map((r) => [r.figure, formatNumber(r.ours), formatNumber(r.ceiling), r.unit, r.ratio.toFixed(2), targetOf(r)]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const left = new Set([0, 3, 5]);
  const line = (row: string[]) => row.map((cell, col) => (left.has(col) ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ').trimEnd();
  console.log(`\n${line(rows[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows.slice(1)) console.log(line(row));
  for (const r of results) if (r.note) console.log(`  · ${r.figure}: ${r.note}`);
}

/** Runs one bench in a child process; its output is shown line by line with the bench's name and elapsed time. */
function runInChild(entry: BenchEntry, index: number, total: number): Promise<{ results: BenchResult[]; run: BenchRun }> {
  const started = Date.now();
  const loadAverageStart = loadAverage();
  console.log(`\n▶ [${index}/${total}] ${entry.name}: ${entry.about} (${new Date(started).toISOString().slice(11, 19)} UTC, load ${loadAverageStart.join(' ')})`);
  const child = fork(fileURLToPath(new URL('./lib/run-one.ts', import.meta.url)), [entry.name], {
    // BENCH_NODE_ARGS (e.g. "--cpu-prof") goes to each bench's process, where the server runs.
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let lastOutput = Date.now();
  const show = (stream: NodeJS.ReadableStream, write: (line: string) => void) => {
    createInterface({ input: stream }).on('line', (text) => {
      lastOutput = Date.now();
      write(`  [${entry.name} ${clock(Date.now() - started)}] ${text}`);
    });
  };
  show(child.stdout!, (l) => console.log(l));
  show(child.stderr!, (l) => console.error(l));
  const heartbeat = setInterval(() => {
    if (Date.now() - lastOutput >= quietMs) {
      lastOutput = Date.now();
      console.log(`  [${entry.name} ${clock(Date.now() - started)}] … still running (load ${loadAverage().join(' ')})`);
    }
  }, 5000);
  return new Promise((resolve) => {
    let outcome: { results?: BenchResult[]; error?: string } = {};
    const timeout = setTimeout(() => {
      outcome = { error: `stopped after ${timeoutMs / 60_000} min (BENCH_TIMEOUT_MINUTES)` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: { results?: BenchResult[]; error?: string }) => (outcome = m));
    child.on('exit', (code, signal) => {
      clearInterval(heartbeat);
      clearTimeout(timeout);
      const seconds = (Date.now() - started) / 1000;
      const error = outcome.results ? undefined : outcome.error ?? `exited with ${signal ?? code} before reporting`;
      const run: BenchRun = { name: entry.name, startedAt: new Date(started).toISOString(), seconds: Number(seconds.toFixed(1)), loadAverageStart, loadAverageEnd: loadAverage(), ok: !error, ...(error ? { error } : {}) };
      console.log(error ? `✗ ${entry.name} failed after ${seconds.toFixed(0)} s: ${error}` : `✓ ${entry.name} done in ${seconds.toFixed(0)} s`);
      resolve({ results: outcome.results ?? [], run });
    });
  });
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('pnpm bench measures the server on real PostgreSQL: set DATABASE_URL (and REDIS_URL for the Redis figures), e.g.\n'
      + '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 pnpm bench');
    return 2;
  }
  const unknown = only.filter((name) => !benches.some((b) => b.name === name));
  if (unknown.length) {
    console.error(`no bench named ${unknown.join(', ')}; the benches: ${benches.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const selected = benches.filter((b) => only.length === 0 || only.includes(b.name));
  const startedAt = new Date();
  const machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? '?',
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: await postgresVersion(url),
    redis: process.env.REDIS_URL ? 'yes' : 'no (REDIS_URL unset: Redis figures skipped)',
    loadAverageStart: loadAverage(),
    loadAverageEnd: [] as number[],
  };
  console.log(`pnpm bench: ${selected.map((b) => b.name).join(', ')} on ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}, load ${machine.loadAverageStart.join(' ')}`);

  const results: (BenchResult & { bench: string })[] = [];
  const runs: BenchRun[] = [];
  for (const [i, entry] of selected.entries()) {
    const { results: own, run } = await runInChild(entry, i + 1, selected.length);
    results.push(...own.map((r) => ({ bench: entry.name, ...r })));
    runs.push(run);
  }
  machine.loadAverageEnd = loadAverage();
  const seconds = (Date.now() - startedAt.getTime()) / 1000;

  printTable(results);
  const failed = runs.filter((r) => !r.ok);
  console.log(`\n${startedAt.toISOString()} → ${new Date().toISOString()} (${clock(seconds * 1000)}), load average ${machine.loadAverageStart.join(' ')} at start, ${machine.loadAverageEnd.join(' ')} at end (1, 5, 15 min)`);
  for (const r of runs) console.log(`  ${r.name}: ${r.seconds} s, load ${r.loadAverageStart[0]} → ${r.loadAverageEnd[0]}${r.ok ? '' : `, FAILED: ${r.error}`}`);
  const path = fileURLToPath(new URL('./results.json', import.meta.url));
  const document = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), seconds: Number(seconds.toFixed(1)), machine, benches: runs, results };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`\nwrote ${path}`);
  if (failed.length) console.error(`${failed.length} bench(es) failed: ${failed.map((r) => r.name).join(', ')}`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);
