// Chat clients whose sockets die mid-stream (terminated, no close handshake) and reconnect with resume while messages
// keep being posted: each ends holding exactly the posted seqs, none lost, none sent twice unless its resume asked.
import { eq } from 'drizzle-orm';
import { buildings } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';
import { ResumingClient, seqRange } from '../support/resuming-client';
import { sleep } from '../support/server-process';

let t: TestApp;
let baseUrl: string;
let groupId: string;

beforeAll(async () => {
  t = await createTestApp({ env: { CHAT_SEND_LIMIT_PER_MINUTE: '100000' } });
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const [b] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  groupId = b!.id;
});
afterAll(async () => {
  await t?.close();
});

/** A deterministic jitter (a failure must be reproducible): 0 ≤ value < 1. */
function jitter(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

it('clients dropped abruptly and resuming while 2 residents post end with exactly the posted seqs, in order', async () => {
  const posters = await Promise.all(['13801110100', '13801110200'].map((phone) => t.login(phone)));
  const group = await t.call(posters[0]!.token, { method: 'GET', url: `/api/v1/chats/${groupId}` });
  const startSeq: number = group.json().lastSeq;
  const clientPhones = ['13801130100', '13801130200', '13801140100', '13801140200', '13801210100', '13801210200'];
  const clients = await Promise.all(clientPhones.map(async (phone) => new ResumingClient(baseUrl, (await t.login(phone)).token, groupId, startSeq)));
  await Promise.all(clients.map((c) => c.connect()));

  let posting = true;
  const perPoster = 100;
  const posted: number[] = [];
  const statuses: number[] = [];
  const postLoops = posters.map(async (poster, p) => {
    for (let n = 0; n < perPoster; n++) {
      const res = await t.call(poster.token, {
        method: 'POST', url: `/api/v1/chats/${groupId}/messages`, payload: { clientId: `drop-${p}-${n}`, text: `第 ${n + 1} 条（${p + 1}）` },
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 201) posted.push(res.json().seq);
      await sleep(10);
    }
  });
  // Each client drops after 30–330 ms of listening (sometimes in the middle of its replay), waits 0–150 ms, resumes.
  const chaosLoops = clients.map(async (client, i) => {
    const random = jitter(i + 1);
    while (posting) {
      await sleep(30 + random() * 300);
      client.drop();
      await sleep(random() * 150);
      await client.connect();
    }
  });
  const startedAt = Date.now();
  await Promise.all(postLoops);
  const postingMs = Date.now() - startedAt;
  posting = false;
  await Promise.all(chaosLoops);

  expect(statuses.filter((s) => s !== 201)).toEqual([]);
  const lastSeq = Math.max(...posted);
  expect([...posted].sort((a, b) => a - b)).toEqual(seqRange(startSeq + 1, startSeq + 2 * perPoster));
  for (const client of clients) await client.waitUntilSeq(lastSeq, 10_000);
  await sleep(200); // anything sent twice would arrive by now
  const drops = clients.reduce((sum, c) => sum + c.drops, 0);
  const afterGap = clients.reduce((sum, c) => sum + c.afterGap, 0);
  const repeated = clients.reduce((sum, c) => sum + c.repeated().length, 0);
  console.log(
    `socket drops: ${posted.length} messages posted in ${postingMs} ms by 2 residents; ${clients.length} clients, ` +
      `${drops} abrupt drops and ${clients.reduce((sum, c) => sum + c.connects, 0)} connects with resume; ` +
      `each received ${clients.map((c) => c.received.length).join('/')} messages; ` +
      `${afterGap} arrived live ahead of a lower seq (concurrent posts publish in commit order), ${repeated} of those sent again by a resume that asked for them`,
  );
  expect(drops).toBeGreaterThanOrEqual(clients.length * 3);
  for (const client of clients) {
    // Nothing lost: the client holds every posted seq (ordered by seq, as the app shows them).
    expect(client.holds()).toEqual(seqRange(startSeq + 1, lastSeq));
    // Nothing twice: no socket delivered a seq twice, and across sockets a seq came again only when the client's resume
    // asked for it (it had arrived ahead of a gap, so the resume started below it).
    for (const arrived of client.perSocket) expect(arrived).toHaveLength(new Set(arrived).size);
    expect(client.repeated().filter((seq) => !client.receivedAfterGap.has(seq))).toEqual([]);
    // In order wherever no two posts raced: with no live arrival ahead of a gap, the client got the exact run.
    if (client.afterGap === 0) expect(client.received).toEqual(seqRange(startSeq + 1, lastSeq));
  }
  await Promise.all(clients.map((c) => c.close()));
}, 60_000);
