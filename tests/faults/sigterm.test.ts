// Graceful shutdown of the real server process: on SIGTERM it stops accepting, finishes what it accepted (reads, and
// writes under load: orders, chat posts, check-ins), closes the database and exits 0; every 2xx it returned is stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, selectRows } from '@linli/server/db/client';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/database';
import { demoResidentsOver, openAmpleGroupBuy } from '../support/fault-traffic';
import { halfSentRequest, logged, send, startServerProcess, waitFor, within, type HttpResponse, type ServerProcess } from '../support/server-process';

const baseEnv = {
  LOG_LEVEL: 'info',
  LOGIN_RATE_LIMIT_PER_IP: '100000',
  LOGIN_RATE_LIMIT_PER_PHONE: '100000',
  CHAT_SEND_LIMIT_PER_MINUTE: '100000',
};

/** One server process per test, on its own database: a PostgreSQL copy of the template, or an embedded data dir. */
async function startOnOwnDatabase(cleanups: (() => Promise<void>)[]) {
  let database: TestDatabase | null = null;
  let dataDir: string | null = null;
  const env: Record<string, string> = { ...baseEnv, SEED_DEMO: 'on' };
  if (onPostgres) {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url!;
    cleanups.push(() => database!.close());
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'linli-sigterm-'));
    env.DATA_DIR = dataDir;
    cleanups.push(async () => rmSync(dataDir!, { recursive: true, force: true }));
  }
  const server = await startServerProcess(env);
  cleanups.push(() => server.kill());
  return { server, database, dataDir };
}

const lateOutcome = (agent: Agent, baseUrl: string) =>
  send(agent, baseUrl, 'GET', '/readyz').then((res) => res.status, (err: NodeJS.ErrnoException) => err.code);

// 180 s a test: on the embedded database each starts a server that migrates a new data directory (past 60 s with the
// machine at load 10).
describe('graceful shutdown on SIGTERM', () => {
  const cleanups: (() => Promise<void>)[] = [];
  const agents: Agent[] = [];

  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.destroy();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('finishes every request it accepted before the signal, refuses new ones, and exits 0', async () => {
    const { server: running } = await startOnOwnDatabase(cleanups);
    const { baseUrl } = running;
    // Keep-alive, as a load balancer or the mini-program would: idle connections must not hold the process open.
    const agent = new Agent({ keepAlive: true, maxSockets: 100 });
    const fresh = new Agent({ keepAlive: false });
    agents.push(agent, fresh);
    expect((await send(agent, baseUrl, 'GET', '/readyz')).status).toBe(200);
    const incomingBefore = logged(running, 'incoming request');

    const slow = Array.from({ length: 5 }, (_, i) => halfSentRequest(agent, baseUrl, 'POST', '/api/v1/auth/dev-login', { phone: `1350000000${i}` }));
    const load = [
      ...Array.from({ length: 25 }, () => send(agent, baseUrl, 'GET', '/readyz')),
      ...Array.from({ length: 25 }, (_, i) => send(agent, baseUrl, 'POST', '/api/v1/auth/dev-login', { body: { phone: `134000000${String(i).padStart(2, '0')}` } })),
    ];
    // Accepted means the server has begun the request (it logs "incoming request" as it routes it).
    await waitFor('55 requests to reach the server', () => logged(running, 'incoming request') - incomingBefore >= 55, 15_000);

    running.child.kill('SIGTERM');
    const signalledAt = Date.now();
    await waitFor('the server to begin shutting down', () => running.lines.some((line) => line.includes('SIGTERM received')), 10_000);

    // A request that arrives now is not served: the connection is refused, or it gets a clean 503.
    expect([503, 'ECONNREFUSED', 'ECONNRESET']).toContain(await lateOutcome(fresh, baseUrl));

    // The slow log-ins were accepted before the signal: they still complete.
    for (const s of slow) s.finish();
    const slowResults = await Promise.all(slow.map((s) => s.response));
    for (const [i, res] of slowResults.entries()) {
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).user.phone).toBe(`1350000000${i}`);
    }
    const loadResults = await Promise.all(load);
    expect(loadResults.map((r) => r.status)).toEqual(Array(50).fill(200));

    const exit = await within(running.exited, 15_000, 'the server exiting after SIGTERM');
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(15_000);
  }, 180_000);

  it('under a burst of orders, chat posts and check-ins: every write in flight finishes, every 2xx is stored, and it exits 0', async () => {
    const { server: running, database, dataDir } = await startOnOwnDatabase(cleanups);
    const { baseUrl } = running;
    const agent = new Agent({ keepAlive: true, maxSockets: 200 });
    const fresh = new Agent({ keepAlive: false });
    agents.push(agent, fresh);
    const itemId = await openAmpleGroupBuy(agent, baseUrl);
    const residents = await demoResidentsOver(agent, baseUrl, 12);
    const persons: { personId: string; resident: (typeof residents)[number] }[] = [];
    for (const resident of residents) {
      const res = await send(agent, baseUrl, 'GET', `/api/v1/households/${resident.householdId}`, { token: resident.token });
      for (const person of JSON.parse(res.body).persons) persons.push({ personId: person.id, resident });
    }

    type Kind = 'order' | 'message' | 'checkin';
    interface Write { kind: Kind; key: string; halfSent: boolean; outcome?: number | string; response?: HttpResponse }
    const writes: Write[] = [];
    const requestOf = (kind: Kind, n: number, key: string): { path: string; token: string; headers: Record<string, string>; body: unknown } => {
      if (kind === 'checkin') {
        const { personId, resident } = persons[n % persons.length]!;
        return { path: '/api/v1/checkins', token: resident.token, headers: {}, body: { entries: [{ personId, temperatureC: 36.5, note: key }] } };
      }
      const resident = residents[n % residents.length]!;
      return kind === 'order'
        ? { path: '/api/v1/orders', token: resident.token, headers: { 'idempotency-key': key }, body: { householdId: resident.householdId, items: [{ itemId, qty: 1 }] } }
        : { path: `/api/v1/chats/${resident.buildingId}/messages`, token: resident.token, headers: {}, body: { clientId: key, text: `停机测试 ${key}` } };
    };
    const run = Date.now().toString(36);
    // Check-ins: one person per request, so each stored row can only be that request's.
    const perKind = Math.min(30, persons.length - 3);
    const incomingBefore = logged(running, 'incoming request');

    // Writes whose bodies are half sent: begun before the signal, certainly still in flight when it arrives.
    const halfSent = (['order', 'message', 'checkin'] as const).flatMap((kind) => Array.from({ length: 3 }, (_, i) => {
      const key = `${kind}-half-${run}-${i}`;
      const r = requestOf(kind, perKind + i, key);
      const write: Write = { kind, key, halfSent: true };
      writes.push(write);
      const request = halfSentRequest(agent, baseUrl, 'POST', r.path, r.body, { authorization: `Bearer ${r.token}`, ...r.headers });
      const settled = request.response.then(
        (response) => { write.outcome = response.status; write.response = response; },
        (err: NodeJS.ErrnoException) => { write.outcome = err.code ?? err.message; },
      );
      return { finish: request.finish, settled };
    }));
    // And a burst of whole ones, all at once.
    const burst = (['order', 'message', 'checkin'] as const).flatMap((kind) => Array.from({ length: perKind }, (_, n) => {
      const key = `${kind}-${run}-${n}`;
      const r = requestOf(kind, n, key);
      const write: Write = { kind, key, halfSent: false };
      writes.push(write);
      return send(agent, baseUrl, 'POST', r.path, { token: r.token, headers: r.headers, body: r.body }).then(
        (response) => { write.outcome = response.status; write.response = response; },
        (err: NodeJS.ErrnoException) => { write.outcome = err.code ?? err.message; },
      );
    }));

    await waitFor('the half-sent writes and part of the burst to reach the server', () => logged(running, 'incoming request') - incomingBefore >= 9 + 10, 15_000);
    const completedBeforeSignal = writes.filter((w) => w.outcome !== undefined).length;
    running.child.kill('SIGTERM');
    const signalledAt = Date.now();
    await waitFor('the server to begin shutting down', () => running.lines.some((line) => line.includes('SIGTERM received')), 10_000);
    expect([503, 'ECONNREFUSED', 'ECONNRESET']).toContain(await lateOutcome(fresh, baseUrl));
    for (const h of halfSent) h.finish();
    await Promise.all([...halfSent.map((h) => h.settled), ...burst]);
    const exit = await within(running.exited, 15_000, 'the server exiting after SIGTERM');

    const isOk = (w: Write) => typeof w.outcome === 'number' && w.outcome >= 200 && w.outcome < 300;
    // What the server itself began (its "incoming request" log line) and how it answered each ("request completed").
    const begun = new Map<string, number | null>();
    for (const line of running.lines) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line);
      if (entry.msg === 'incoming request' && entry.req?.method === 'POST' && /\/(orders|messages|checkins)$/.test(entry.req.url)) begun.set(entry.reqId, null);
      if (entry.msg === 'request completed' && begun.has(entry.reqId)) begun.set(entry.reqId, entry.res?.statusCode ?? null);
    }
    const ok = writes.filter(isOk);
    console.log(
      `SIGTERM under load: ${writes.length} writes (${halfSent.length} half-sent), ${completedBeforeSignal} answered before the signal; ` +
        `2xx ${ok.length}, 503 ${writes.filter((w) => w.outcome === 503).length}, ` +
        `connection refused/reset ${writes.filter((w) => w.outcome === 'ECONNREFUSED' || w.outcome === 'ECONNRESET').length}, ` +
        `other ${writes.filter((w) => !isOk(w) && ![503, 'ECONNREFUSED', 'ECONNRESET'].includes(w.outcome!)).length}; ` +
        `the server began ${begun.size} of them and answered ${[...begun.values()].filter((st) => st !== null).length}; exit ${exit.code} after ${exit.at - signalledAt} ms`,
    );
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(15_000);
    // Every write the server began was answered: 2xx, or 503 if it began after the signal.
    expect([...begun.values()].filter((st) => st === null || !((st >= 200 && st < 300) || st === 503))).toEqual([]);
    expect([...begun.values()].filter((st) => st !== null && st >= 200 && st < 300)).toHaveLength(writes.filter(isOk).length);
    // Every write in flight at the signal was finished, not cut off.
    expect(writes.filter((w) => w.halfSent && !isOk(w)).map((w) => `${w.kind} ${w.outcome} ${w.response?.body ?? ''}`)).toEqual([]);
    // A write the server never began may be refused; nothing else may go wrong.
    expect(writes.filter((w) => !isOk(w) && ![503, 'ECONNREFUSED', 'ECONNRESET'].includes(w.outcome!)).map((w) => `${w.kind} ${w.outcome} ${w.response?.body ?? ''}`)).toEqual([]);
    expect(completedBeforeSignal).toBeLessThan(writes.length);

    // Every 2xx is in the database the process closed: read it back once the process is gone.
    const handle = onPostgres
      ? await openDatabase({ kind: 'postgres', url: database!.url! }, { error: () => undefined })
      : await openDatabase({ kind: 'pglite', dataDir }, { error: () => undefined });
    try {
      const keys = (kind: Kind) => ok.filter((w) => w.kind === kind).map((w) => w.key);
      const textArray = (values: string[]) => sql`ARRAY[${sql.join(values.length ? values.map((v) => sql`${v}`) : [sql`''`], sql`, `)}]::text[]`;
      const orders = await selectRows<{ id: string; idempotency_key: string }>(handle.db, sql`SELECT id, idempotency_key FROM orders WHERE idempotency_key = ANY(${textArray(keys('order'))})`);
      const messages = await selectRows<{ id: string; client_id: string; seq: number }>(handle.db, sql`SELECT id, client_id, seq FROM chat_messages WHERE client_id = ANY(${textArray(keys('message'))})`);
      const checkins = await selectRows<{ id: string; note: string }>(handle.db, sql`SELECT id, note FROM checkins WHERE note = ANY(${textArray(keys('checkin'))})`);
      const stored = new Map<string, string>([
        ...orders.map((r) => [r.idempotency_key, r.id] as const),
        ...messages.map((r) => [r.client_id, `${r.id}#${r.seq}`] as const),
        ...checkins.map((r) => [r.note, r.id] as const),
      ]);
      const expected = new Map(ok.map((w) => {
        const body = JSON.parse(w.response!.body);
        return [w.key, w.kind === 'order' ? body.id : w.kind === 'message' ? `${body.id}#${body.seq}` : body.items[0].id] as const;
      }));
      expect(stored).toEqual(expected);
      expect(orders.length + messages.length + checkins.length).toBe(ok.length);
    } finally {
      await handle.close();
    }
  }, 180_000);
});
