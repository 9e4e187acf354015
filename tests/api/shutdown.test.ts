// Graceful shutdown of the real server process: on SIGTERM it stops accepting, finishes what it accepted, closes the database and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/database';
import { repoRoot } from '../support/template';

interface Response {
  status: number;
  body: string;
}

interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Every stdout line so far (pino's JSON log lines and the banner). */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** `promise`, or a rejection after `ms`; the timer never outlives it (a pending one would keep jest running). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const waitFor = async (what: string, condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

function startServer(env: Record<string, string>): ServerProcess {
  // As `npm start` runs it: tsx as a loader in the server's own process, so SIGTERM reaches the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: join(repoRoot, 'apps/server'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => {
      if (stderr) process.stderr.write(`server stderr:\n${stderr}\n`);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  return { child, baseUrl: '', lines, exited };
}

const logged = (server: ServerProcess, msg: string) => server.lines.filter((line) => line.includes(`"msg":"${msg}"`)).length;

function send(agent: Agent, baseUrl: string, method: string, path: string, body?: unknown): Promise<Response> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), {
      method,
      agent,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
    }, (res) => collect(res).then(resolve, reject));
    req.on('error', reject);
    req.end(payload);
  });
}

function collect(res: IncomingMessage): Promise<Response> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    res.on('error', reject);
  });
}

/** A log-in whose body arrives in two halves: the server has accepted it, and it stays in flight until `finish()`. */
function slowLogin(agent: Agent, baseUrl: string, phone: string) {
  const payload = Buffer.from(JSON.stringify({ phone }));
  const half = Math.floor(payload.length / 2);
  let resolveResponse!: (r: Response) => void;
  let rejectResponse!: (err: Error) => void;
  const response = new Promise<Response>((resolve, reject) => {
    resolveResponse = resolve;
    rejectResponse = reject;
  });
  const req = request(new URL('/api/v1/auth/dev-login', baseUrl), {
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': payload.length },
  }, (res) => collect(res).then(resolveResponse, rejectResponse));
  req.on('error', rejectResponse);
  req.flushHeaders();
  req.write(payload.subarray(0, half));
  return { response, finish: () => req.end(payload.subarray(half)) };
}

describe('graceful shutdown on SIGTERM', () => {
  let database: TestDatabase | null = null;
  let dataDir: string | null = null;
  let server: ServerProcess | null = null;
  const agents: Agent[] = [];

  beforeAll(async () => {
    const env: Record<string, string> = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LOGIN_RATE_LIMIT_PER_IP: '100000',
      LOGIN_RATE_LIMIT_PER_PHONE: '100000',
    };
    if (onPostgres) {
      database = await createTestDatabase();
      env.DATABASE_URL = database.url!;
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'linli-shutdown-'));
      env.DATA_DIR = dataDir;
    }
    server = startServer(env);
    const started = server;
    const banner = /App:\s+(http:\/\/127\.0\.0\.1:\d+)\//;
    const exitedEarly = () => started.child.exitCode !== null || started.child.signalCode !== null;
    await waitFor('the start-up banner', () => exitedEarly() || started.lines.some((line) => banner.test(line)), 60_000);
    if (exitedEarly()) throw new Error(`the server exited during start-up with code ${started.child.exitCode}`);
    started.baseUrl = banner.exec(started.lines.find((line) => banner.test(line))!)![1]!;
  }, 70_000);

  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await database?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes every request it accepted before the signal, refuses new ones, and exits 0', async () => {
    const running = server!;
    const { baseUrl } = running;
    // Keep-alive, as a load balancer or the mini-program would: idle connections must not hold the process open.
    const agent = new Agent({ keepAlive: true, maxSockets: 100 });
    const fresh = new Agent({ keepAlive: false });
    agents.push(agent, fresh);
    expect((await send(agent, baseUrl, 'GET', '/readyz')).status).toBe(200);
    const incomingBefore = logged(running, 'incoming request');

    const slow = Array.from({ length: 5 }, (_, i) => slowLogin(agent, baseUrl, `1350000000${i}`));
    const load = [
      ...Array.from({ length: 25 }, () => send(agent, baseUrl, 'GET', '/readyz')),
      ...Array.from({ length: 25 }, (_, i) => send(agent, baseUrl, 'POST', '/api/v1/auth/dev-login', { phone: `134000000${String(i).padStart(2, '0')}` })),
    ];
    // Accepted means the server has begun the request (it logs "incoming request" as it routes it).
    await waitFor('55 requests to reach the server', () => logged(running, 'incoming request') - incomingBefore >= 55, 15_000);

    running.child.kill('SIGTERM');
    const signalledAt = Date.now();
    await waitFor('the server to begin shutting down', () => running.lines.some((line) => line.includes('SIGTERM received')), 10_000);

    // A request that arrives now is not served: the connection is refused, or it gets a clean 503.
    const late = await send(fresh, baseUrl, 'GET', '/readyz').then(
      (res) => res.status,
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect([503, 'ECONNREFUSED', 'ECONNRESET']).toContain(late);

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
  }, 40_000);
});
