// A steady stream of orders and chat posts from several residents against a server over HTTP, recorded request by
// request, with the figures the fault suites print (sent, 2xx, 503, other, longest wait).
import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:http';
import { loginOver, send, sleep, type HttpResponse } from './server-process';

export interface Resident {
  phone: string;
  token: string;
  userId: string;
  householdId: string;
  buildingId: string;
}

/** Demo residents of 1号楼 1单元 (101, 102, 201 …): the seeded account of each household, logged in over HTTP. */
export async function demoResidentsOver(agent: Agent, baseUrl: string, count: number): Promise<Resident[]> {
  const rooms = Array.from({ length: count }, (_, i) => `${Math.floor(i / 2) + 1}0${(i % 2) + 1}`);
  const residents: Resident[] = [];
  for (const room of rooms) {
    const phone = `138011${room}00`;
    const { token, userId } = await loginOver(agent, baseUrl, phone);
    const me = await send(agent, baseUrl, 'GET', '/api/v1/me', { token });
    if (me.status !== 200) throw new Error(`GET /me as ${phone} → ${me.status} ${me.body}`);
    const household = JSON.parse(me.body).households[0];
    residents.push({ phone, token, userId, householdId: household.id, buildingId: household.buildingId });
  }
  return residents;
}

/** A group buy open now with one item nobody can run out of (the test is about faults, not stock). */
export async function openAmpleGroupBuy(agent: Agent, baseUrl: string): Promise<string> {
  const { token } = await loginOver(agent, baseUrl, '13900000000');
  const now = Date.now();
  const res = await send(agent, baseUrl, 'POST', '/api/v1/group-buys', {
    token,
    body: {
      title: `故障测试团购 ${randomUUID().slice(0, 6)}`,
      opensAt: new Date(now - 60_000).toISOString(),
      closesAt: new Date(now + 3_600_000).toISOString(),
      publish: true,
      items: [{ name: '保供蔬菜包', unit: '份', priceFen: 2500, stock: 1_000_000, perHouseholdLimit: 999 }],
    },
  });
  if (res.status !== 201) throw new Error(`create group buy → ${res.status} ${res.body}`);
  return JSON.parse(res.body).items[0].id;
}

export type WriteKind = 'order' | 'message';

export interface Attempt {
  kind: WriteKind;
  resident: Resident;
  /** Idempotency-Key of an order, clientId of a message. */
  key: string;
  startedAt: number;
  endedAt: number;
  /** HTTP status, or the client-side error code (ECONNREFUSED, ETIMEDOUT_TEST …). */
  outcome: number | string;
  response?: HttpResponse;
}

export function writeOnce(agent: Agent, baseUrl: string, itemId: string, kind: WriteKind, resident: Resident, key: string, timeoutMs: number): Promise<Attempt> {
  const startedAt = Date.now();
  const request = kind === 'order'
    ? send(agent, baseUrl, 'POST', '/api/v1/orders', {
      token: resident.token,
      headers: { 'idempotency-key': key },
      body: { householdId: resident.householdId, items: [{ itemId, qty: 1 }] },
      timeoutMs,
    })
    : send(agent, baseUrl, 'POST', `/api/v1/chats/${resident.buildingId}/messages`, {
      token: resident.token,
      body: { clientId: key, text: `故障测试 ${key}` },
      timeoutMs,
    });
  return request.then(
    (response) => ({ kind, resident, key, startedAt, endedAt: Date.now(), outcome: response.status, response }),
    (err: NodeJS.ErrnoException) => ({ kind, resident, key, startedAt, endedAt: Date.now(), outcome: err.code ?? err.message }),
  );
}

/**
 * One loop per resident, alternating orders and chat posts, each with a new key, until `stop()`; a short pause after
 * each request keeps it a stream rather than a flood (a 503 answers in a millisecond).
 */
export function steadyWrites(agent: Agent, baseUrl: string, itemId: string, residents: Resident[], options: { pauseMs: number; timeoutMs: number; tag: string }) {
  const attempts: Attempt[] = [];
  let stopped = false;
  const run = randomUUID().slice(0, 8);
  const loops = residents.map(async (resident, r) => {
    for (let n = 0; !stopped; n++) {
      const kind: WriteKind = (n + r) % 2 === 0 ? 'order' : 'message';
      attempts.push(await writeOnce(agent, baseUrl, itemId, kind, resident, `${options.tag}-${run}-${r}-${n}`, options.timeoutMs));
      await sleep(options.pauseMs);
    }
  });
  return {
    attempts,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

export const isSuccess = (a: Attempt) => typeof a.outcome === 'number' && a.outcome >= 200 && a.outcome < 300;

export function tally(attempts: Attempt[]) {
  const count = (p: (a: Attempt) => boolean) => attempts.filter(p).length;
  return {
    sent: attempts.length,
    ok: count(isSuccess),
    unavailable: count((a) => a.outcome === 503),
    other: count((a) => !isSuccess(a) && a.outcome !== 503),
    otherOutcomes: [...new Set(attempts.filter((a) => !isSuccess(a) && a.outcome !== 503).map((a) => `${a.kind} ${a.outcome} ${a.response?.body.slice(0, 200) ?? ''}`))].slice(0, 10),
    longestMs: Math.max(0, ...attempts.map((a) => a.endedAt - a.startedAt)),
  };
}
