// Child process of chat-fanout: one Linli server (the same build and settings as the bench's own instances, started as
// a real server on its own port and event loop), so two identical servers can be measured alternately by one client
// while only one of them holds the idle sockets. It also reports what its process spent between two asks: GC pauses,
// CPU time and event-loop busy time.
// Protocol (IPC): the process answers { baseUrl } once listening; parent sends { stats: true } → { connections, gc,
// cpuMs, loopBusyMs } (counters since the previous ask, then reset); parent sends { exit: true } → the app closes, the process exits.
import { constants as perfConstants, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { buildApp } from '@linli/server/app';
import { loadConfig } from '@linli/server/config';

export interface ServerStats {
  /** Sockets the hub holds. */
  connections: number;
  gc: { count: number; totalMs: number; maxMs: number; majorCount: number; majorMs: number };
  /** CPU time (user + system) of the process. */
  cpuMs: number;
  /** Time the event loop spent running code (not waiting for I/O or timers). */
  loopBusyMs: number;
}

const emptyGc = () => ({ count: 0, totalMs: 0, maxMs: 0, majorCount: 0, majorMs: 0 });

async function main() {
  const app = await buildApp(loadConfig(process.env), { logger: false });
  let gc = emptyGc();
  let cpuAt = process.cpuUsage();
  let loopAt = performance.eventLoopUtilization();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
      if (((entry as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.majorCount++;
        gc.majorMs += entry.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  process.on('message', (message: { stats?: true; exit?: true }) => {
    if (message.stats) {
      const cpu = process.cpuUsage(cpuAt);
      const loop = performance.eventLoopUtilization(loopAt);
      const stats: ServerStats = { connections: app.realtime.hub.connections.size, gc, cpuMs: (cpu.user + cpu.system) / 1000, loopBusyMs: loop.active };
      gc = emptyGc();
      cpuAt = process.cpuUsage();
      loopAt = performance.eventLoopUtilization();
      process.send!(stats);
    } else if (message.exit) {
      app.close().finally(() => process.exit(0));
    }
  });
  process.send!({ baseUrl });
}

main().catch((err: unknown) => {
  console.error(err);
  process.send?.({ error: String(err) });
  process.exit(1);
});

// The bench's process gone: stop too.
process.on('disconnect', () => process.exit(0));
