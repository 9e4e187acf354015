// PostgreSQL dies and comes back while the real server process takes a steady stream of orders and chat posts: during
// the outage every write gets a clean 503, afterwards the server recovers by itself, and every accepted write is kept.
import { Agent } from 'node:http';
import { inArray } from 'drizzle-orm';
import { chatMessages, orders as ordersTable } from '@linli/server/db/schema/index';
import pg from 'pg';
import { createTestApp, type TestApp } from '../support/app';
import { isSuccess, openAmpleGroupBuy, demoResidentsOver, steadyWrites, tally, writeOnce, type Attempt } from '../support/fault-traffic';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '../support/private-services';
import { send, sleep, startServerProcess, waitFor, type ServerProcess } from '../support/server-process';

const binDir = postgresBinDir();
/** No request may wait longer than this, outage or not (the pool's connect timeout is 5 s). */
const requestBoundMs = 10_000;

describe('PostgreSQL restarted during traffic', () => {
  let database: PrivatePostgres | null = null;
  let server: ServerProcess | null = null;
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });

  afterAll(async () => {
    agent.destroy();
    await server?.kill();
    await database?.destroy();
  });

  if (!binDir) {
    console.log('PostgreSQL restart: no PostgreSQL server binaries (initdb, pg_ctl) here; only the embedded variant below runs');
    return;
  }

  it('answers 503 with the error body while the database is down, recovers without a restart, and keeps every accepted order and message', async () => {
    database = await startPrivatePostgres(binDir);
    server = await startServerProcess({
      DATABASE_URL: database.url,
      SEED_DEMO: 'on',
      LOG_LEVEL: 'warn',
      LOGIN_RATE_LIMIT_PER_IP: '100000',
      LOGIN_RATE_LIMIT_PER_PHONE: '100000',
      CHAT_SEND_LIMIT_PER_MINUTE: '100000',
    });
    const running = server;
    const { baseUrl } = server;
    const itemId = await openAmpleGroupBuy(agent, baseUrl);
    const residents = await demoResidentsOver(agent, baseUrl, 6);

    const traffic = steadyWrites(agent, baseUrl, itemId, residents, { pauseMs: 15, timeoutMs: requestBoundMs, tag: 'pg' });
    const readiness: { at: number; status: number | string }[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const status = await send(agent, baseUrl, 'GET', '/readyz', { timeoutMs: requestBoundMs }).then((r) => r.status, (e: NodeJS.ErrnoException) => e.code ?? 'error');
        readiness.push({ at: Date.now(), status });
        await sleep(100);
      }
    })();

    let outageStartedAt = 0;
    let outageEndedAt = 0;
    // The certain outage runs from when the stop is done (pg_ctl returns some time after it began, on a busy machine
    // after writes that began meanwhile went through) to when the restart begins (the database accepts connections
    // before pg_ctl start returns).
    let stoppedAt = 0;
    let restartBeganAt = 0;
    let recoveredAt = 0;
    try {
      await sleep(1500);
      outageStartedAt = Date.now();
      await database.stopAbruptly();
      stoppedAt = Date.now();
      await sleep(3000);
      restartBeganAt = Date.now();
      await database.start();
      outageEndedAt = Date.now();
      // Recovered: a write that began after the database was back has succeeded.
      const recovered = () => traffic.attempts.filter((a) => a.startedAt >= outageEndedAt && isSuccess(a));
      await waitFor('a write to succeed after the restart', () => recovered().length > 0, 20_000).catch((err: Error) => {
        const since = traffic.attempts.filter((a) => a.startedAt >= outageEndedAt);
        throw new Error(`${err.message}: server exit code ${running.child.exitCode} signal ${running.child.signalCode}; outcomes since: ${JSON.stringify(tally(since))}; errors logged: ${running.lines.filter((l) => /shutting down after an error|unhandled error/.test(l)).join("\n").slice(0, 3000)}`);
      });
      recoveredAt = Math.min(...recovered().map((a) => a.endedAt));
      // Enough writes begun a second after recovery to judge it by (on a loaded machine 2 s gave only 10).
      await waitFor('writes begun a second after recovery', () => traffic.attempts.filter((a) => a.startedAt > recoveredAt + 1000).length > 10, 30_000);
    } finally {
      await traffic.stop();
      probing = false;
      await probe;
    }

    const attempts = traffic.attempts;
    const figures = tally(attempts);
    const duringOutage = attempts.filter((a) => a.startedAt >= stoppedAt + 200 && a.endedAt <= restartBeganAt - 200);
    console.log(
      `PostgreSQL restart: sent ${figures.sent}, 2xx ${figures.ok}, 503 ${figures.unavailable}, other ${figures.other}; ` +
        `outage ${outageEndedAt - outageStartedAt} ms, recovered ${recoveredAt - outageEndedAt} ms after the database was back; ` +
        `longest request ${figures.longestMs} ms; /readyz probes ${readiness.length} (${readiness.filter((p) => p.status === 503).length} × 503)`,
    );
    // The same process served throughout: nothing crashed it, and no request failed with an unexplained error.
    expect(running.child.exitCode).toBeNull();
    expect(running.lines.filter((line) => /shutting down after an error|unhandled error/.test(line))).toEqual([]);
    expect(figures.otherOutcomes).toEqual([]);
    expect(figures.other).toBe(0);
    expect(figures.longestMs).toBeLessThan(requestBoundMs);
    // The fault really hit the traffic, and every refusal was the clean one.
    expect(duringOutage.length).toBeGreaterThan(10);
    expect(duringOutage.every((a) => a.outcome === 503)).toBe(true);
    for (const refused of attempts.filter((a) => a.outcome === 503)) {
      expect(refused.response!.headers['retry-after']).toBe('5');
      expect(JSON.parse(refused.response!.body)).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String), details: expect.any(Object) } });
    }
    expect(readiness.some((p) => p.at > stoppedAt + 200 && p.at < restartBeganAt - 200 && p.status === 503)).toBe(true);
    expect(readiness.at(-1)!.status).toBe(200);
    // Recovered by itself, fully: every write begun a second after recovery succeeded (no dead pooled connection).
    const afterRecovery = attempts.filter((a) => a.startedAt > recoveredAt + 1000);
    expect(afterRecovery.length).toBeGreaterThan(10);
    expect(afterRecovery.filter((a) => !isSuccess(a)).map((a) => a.outcome)).toEqual([]);

    // A client retries what was refused with the same key: each is answered 2xx, and nothing exists twice.
    const retries: Attempt[] = [];
    for (const refused of attempts.filter((a) => !isSuccess(a))) {
      retries.push(await writeOnce(agent, baseUrl, itemId, refused.kind, refused.resident, refused.key, requestBoundMs));
    }
    expect(retries.filter((a) => !isSuccess(a)).map((a) => a.outcome)).toEqual([]);

    const accepted = [...attempts.filter(isSuccess), ...retries];
    const orders = accepted.filter((a) => a.kind === 'order');
    const messages = accepted.filter((a) => a.kind === 'message');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const storedOrders = await client.query<{ id: string; idempotency_key: string }>(
        'SELECT id, idempotency_key FROM orders WHERE idempotency_key = ANY($1)', [orders.map((a) => a.key)]);
      const orderIdByKey = new Map(storedOrders.rows.map((r) => [r.idempotency_key, r.id]));
      expect(storedOrders.rows).toHaveLength(orderIdByKey.size);
      for (const order of orders) expect(orderIdByKey.get(order.key)).toBe(JSON.parse(order.response!.body).id);

      const storedMessages = await client.query<{ id: string; client_id: string; seq: number }>(
        'SELECT id, client_id, seq FROM chat_messages WHERE client_id = ANY($1)', [messages.map((a) => a.key)]);
      const messageByKey = new Map(storedMessages.rows.map((r) => [r.client_id, r]));
      expect(storedMessages.rows).toHaveLength(messageByKey.size);
      for (const message of messages) {
        const body = JSON.parse(message.response!.body);
        expect(messageByKey.get(message.key)).toEqual({ id: body.id, client_id: message.key, seq: body.seq });
      }
      // The group's seq stayed gap-free through the crash.
      const seqs = await client.query<{ seq: number }>('SELECT seq FROM chat_messages WHERE group_id = $1 ORDER BY seq', [residents[0]!.buildingId]);
      expect(seqs.rows.map((r) => r.seq)).toEqual(seqs.rows.map((_, i) => i + 1));
      console.log(`PostgreSQL restart: ${orders.length} orders and ${messages.length} messages accepted (${retries.length} of them on retry), all stored once`);
    } finally {
      await client.end();
    }
  }, 90_000);
});

/**
 * The shapes in which a restart reaches the app (pg's errors as they arrive, each wrapped by drizzle as it wraps them).
 * Used where no PostgreSQL server can be killed: the embedded database is made to fail with them instead.
 */
function restartErrors(): Error[] {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
  const adminShutdown = Object.assign(new pg.DatabaseError('terminating connection due to administrator command', 116, 'error'), { code: '57P01', severity: 'FATAL' });
  const startingUp = Object.assign(new pg.DatabaseError('the database system is starting up', 104, 'error'), { code: '57P03', severity: 'FATAL' });
  return [refused, adminShutdown, startingUp, new Error('Connection terminated unexpectedly'),
    new Error('Client has encountered a connection error and is not queryable'), new Error('timeout exceeded when trying to connect')];
}

describe('the database failing as a restart fails it (embedded database: runs on a machine with only Node too)', () => {
  let t: TestApp;
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  afterAll(async () => {
    agent.destroy();
    await t?.close();
  });

  it('answers every request 503 with the error body for each error shape of a restart, serves again when they stop, and keeps every accepted write', async () => {
    t = await createTestApp({ env: { CHAT_SEND_LIMIT_PER_MINUTE: '100000' } });
    const baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const itemId = await openAmpleGroupBuy(agent, baseUrl);
    const residents = await demoResidentsOver(agent, baseUrl, 4);
    // The driver underneath the app (PGlite here): while down, every statement and transaction fails with the next shape.
    const driver = (t.db as unknown as { $client: Record<string, unknown> }).$client;
    const shapes = restartErrors();
    let failures = 0;
    const fail = async () => {
      throw shapes[failures++ % shapes.length];
    };

    const traffic = steadyWrites(agent, baseUrl, itemId, residents, { pauseMs: 10, timeoutMs: requestBoundMs, tag: 'embedded' });
    let outageMs = 0;
    let restoredAt = 0;
    try {
      await sleep(500);
      const downAt = Date.now();
      for (const method of ['query', 'exec', 'transaction']) driver[method] = fail;
      await sleep(1500);
      for (const method of ['query', 'exec', 'transaction']) delete driver[method];
      restoredAt = Date.now();
      outageMs = restoredAt - downAt;
      await waitFor('writes begun after the failures stopped', () => traffic.attempts.filter((a) => a.startedAt > restoredAt + 200).length >= residents.length, 30_000);
    } finally {
      await traffic.stop();
    }
    const figures = tally(traffic.attempts);
    console.log(`embedded database failing as in a restart: sent ${figures.sent}, 2xx ${figures.ok}, 503 ${figures.unavailable}, other ${figures.other}; outage ${outageMs} ms; ${failures} statements failed with ${shapes.length} error shapes`);
    expect(figures.otherOutcomes).toEqual([]);
    expect(failures).toBeGreaterThan(shapes.length * 3);
    expect(figures.unavailable).toBeGreaterThan(10);
    for (const refused of traffic.attempts.filter((a) => a.outcome === 503)) {
      expect(refused.response!.headers['retry-after']).toBe('5');
      expect(JSON.parse(refused.response!.body)).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });
    }
    // Every write begun after the failures stopped succeeded (by start time: on a busy machine the last few to
    // finish can be ones begun during the outage).
    const afterRestore = traffic.attempts.filter((a) => a.startedAt > restoredAt + 200);
    expect(afterRestore.length).toBeGreaterThanOrEqual(residents.length);
    expect(afterRestore.filter((a) => !isSuccess(a)).map((a) => a.outcome)).toEqual([]);

    const accepted = traffic.attempts.filter(isSuccess);
    const orderIds = accepted.filter((a) => a.kind === 'order').map((a) => JSON.parse(a.response!.body).id as string);
    const messageIds = accepted.filter((a) => a.kind === 'message').map((a) => JSON.parse(a.response!.body).id as string);
    const storedOrders = await t.db.select({ id: ordersTable.id }).from(ordersTable).where(inArray(ordersTable.id, orderIds));
    const storedMessages = await t.db.select({ id: chatMessages.id }).from(chatMessages).where(inArray(chatMessages.id, messageIds));
    expect(storedOrders).toHaveLength(orderIds.length);
    expect(storedMessages).toHaveLength(messageIds.length);
  }, 60_000);
});
