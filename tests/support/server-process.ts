// The real server as `npm start` runs it, in a child process, and a plain HTTP client for it (no inject: real sockets).
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { repoRoot } from './template';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Every stdout line so far (pino's JSON log lines and the banner). */
  lines: string[];
  exited: Promise<ServerExit>;
  /** SIGKILL if still running; waits for the exit. */
  kill(): Promise<void>;
}

/** `promise`, or a rejection after `ms`; the timer never outlives it (a pending one would keep jest running). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
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

export async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts `src/server.ts` with exactly `env` (plus PATH and HOME) and waits for its start-up banner. */
export async function startServerProcess(env: Record<string, string>, startupTimeoutMs = 60_000): Promise<ServerProcess> {
  // tsx as a loader in the server's own process, so a signal reaches the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: join(repoRoot, 'apps/server'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
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
  const exited = new Promise<ServerExit>((resolve) =>
    child.on('exit', (code, signal) => {
      if (stderr) process.stderr.write(`server stderr:\n${stderr}\n`);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const server: ServerProcess = {
    child,
    baseUrl: '',
    lines,
    exited,
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
  const banner = /App:\s+(http:\/\/127\.0\.0\.1:\d+)\//;
  try {
    await waitFor('the start-up banner', () => !running() || lines.some((line) => banner.test(line)), startupTimeoutMs);
  } catch (err) {
    await server.kill();
    throw err;
  }
  if (!running()) throw new Error(`the server exited during start-up with code ${child.exitCode}: ${stderr.slice(0, 2000)}`);
  server.baseUrl = banner.exec(lines.find((line) => banner.test(line))!)![1]!;
  return server;
}

/** How many log lines carry this pino `msg`. */
export const logged = (server: ServerProcess, msg: string) => server.lines.filter((line) => line.includes(`"msg":"${msg}"`)).length;

export function collect(res: IncomingMessage): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    res.on('error', reject);
  });
}

export interface SendOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Abort the request after this long (the promise rejects with code `ETIMEDOUT_TEST`). */
  timeoutMs?: number;
}

export function send(agent: Agent, baseUrl: string, method: string, path: string, options: SendOptions = {}): Promise<HttpResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), {
      method,
      agent,
      headers: {
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
    }, (res) => collect(res).then(resolve, reject));
    if (options.timeoutMs) {
      req.setTimeout(options.timeoutMs, () => {
        const err = new Error(`${method} ${path} got no answer within ${options.timeoutMs} ms`) as NodeJS.ErrnoException;
        err.code = 'ETIMEDOUT_TEST';
        req.destroy(err);
      });
    }
    req.on('error', reject);
    req.end(payload);
  });
}

/** Dev log-in over HTTP: the access token and the account id. */
export async function loginOver(agent: Agent, baseUrl: string, phone: string): Promise<{ token: string; userId: string }> {
  const res = await send(agent, baseUrl, 'POST', '/api/v1/auth/dev-login', { body: { phone } });
  if (res.status !== 200) throw new Error(`dev-login ${phone} → ${res.status} ${res.body}`);
  const body = JSON.parse(res.body);
  return { token: body.accessToken, userId: body.user.id };
}

/**
 * A request whose body arrives in two halves: the server has begun it (routed, headers read), and it stays in flight
 * until `finish()` sends the rest.
 */
export function halfSentRequest(agent: Agent, baseUrl: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const payload = Buffer.from(JSON.stringify(body));
  const half = Math.floor(payload.length / 2);
  let resolveResponse!: (r: HttpResponse) => void;
  let rejectResponse!: (err: Error) => void;
  const response = new Promise<HttpResponse>((resolve, reject) => {
    resolveResponse = resolve;
    rejectResponse = reject;
  });
  const req = request(new URL(path, baseUrl), {
    method,
    agent,
    headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers },
  }, (res) => collect(res).then(resolveResponse, rejectResponse));
  req.on('error', rejectResponse);
  req.flushHeaders();
  req.write(payload.subarray(0, half));
  return { response, finish: () => req.end(payload.subarray(half)) };
}
