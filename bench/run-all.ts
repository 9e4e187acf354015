// Runs every bench, prints one table (figure, ours, ceiling, ratio) and writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runFlashSaleBench } from './flash-sale/flash-sale.bench';
import { runImportBench } from './import/import.bench';
import { runChatFanoutBench } from './chat-fanout/chat-fanout.bench';
import { runCheckinBurstBench } from './checkin-burst/checkin-burst.bench';
import { runClaimRushBench } from './claim-rush/claim-rush.bench';
import type { BenchResult } from './lib/result';

const benches: { name: string; run: () => Promise<BenchResult[]> }[] = [
  { name: 'import', run: runImportBench },
  { name: 'chat-fanout', run: runChatFanoutBench },
  { name: 'flash-sale', run: runFlashSaleBench },
  { name: 'checkin-burst', run: runCheckinBurstBench },
  { name: 'claim-rush', run: runClaimRushBench },
];
// `pnpm bench flash-sale checkin-burst` (or BENCH=flash-sale,checkin-burst) runs only the benches named.
const only = [...process.argv.slice(2), ...(process.env.BENCH ? process.env.BENCH.split(',') : [])];

function formatNumber(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

function printTable(results: BenchResult[]): void {
  const rows = [
    ['figure', 'ours', 'ceiling', 'unit', 'ratio'],
    ...results.map((r) => [r.figure, formatNumber(r.ours), formatNumber(r.ceiling), r.unit, r.ratio.toFixed(2)]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 || col === 3 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  console.log(`\n${line(rows[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows.slice(1)) console.log(line(row));
  for (const r of results) if (r.note) console.log(`  · ${r.figure}: ${r.note}`);
}

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  for (const bench of benches.filter((b) => only.length === 0 || only.includes(b.name))) {
    console.log(`▶ ${bench.name}`);
    results.push(...(await bench.run()));
  }
  printTable(results);
  const path = fileURLToPath(new URL('./results.json', import.meta.url));
  writeFileSync(path, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
  console.log(`\nwrote ${path}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof Error && err.stack && !err.message.startsWith('bench/')) console.error(err.stack);
    process.exit(1);
  },
);
