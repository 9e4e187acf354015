// Every bench `pnpm bench` runs, in this order; each runs in its own child process (bench/lib/run-one.ts).
import type { BenchResult } from './lib/result';

export interface BenchEntry {
  name: string;
  /** What it needs beyond DATABASE_URL, or how long it takes, shown when it starts. */
  about: string;
  load: () => Promise<() => Promise<BenchResult[]>>;
}

export const benches: BenchEntry[] = [
  { name: 'import', about: '5,000-row CSV import ×5', load: async () => (await import('./import/import.bench')).runImportBench },
  { name: 'chat-read', about: 'authenticated GET /chats/:id/messages vs hello-world, ≈ 1 min', load: async () => (await import('./chat-read/chat-read.bench')).runChatReadBench },
  { name: 'chat-fanout', about: '500 sockets, Redis figures with REDIS_URL, 5,000 idle sockets, ≈ 3 min', load: async () => (await import('./chat-fanout/chat-fanout.bench')).runChatFanoutBench },
  { name: 'sockets-10k', about: '10,000 idle sockets + fan-out to a 500-member building, ≈ 3 min', load: async () => (await import('./sockets-10k/sockets-10k.bench')).runSockets10kBench },
  { name: 'flash-sale', about: '600 households rush 500 items, 3 rounds', load: async () => (await import('./flash-sale/flash-sale.bench')).runFlashSaleBench },
  { name: 'checkin-burst', about: '5,000 household check-ins: saturation (two runs each), then one open-loop minute each, ≈ 2.5 min', load: async () => (await import('./checkin-burst/checkin-burst.bench')).runCheckinBurstBench },
  { name: 'claim-rush', about: 'claim + release race (CLAIM_RUSH_CLAIMS, default 6,000)', load: async () => (await import('./claim-rush/claim-rush.bench')).runClaimRushBench },
];
