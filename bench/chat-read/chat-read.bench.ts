// bench/chat-read: an authenticated read, GET /chats/:id/messages (the latest page of 50 of a building chat with a
// history of 3,000 messages, as a resident opening the chat gets it): the whole request, JWT, the actor and its
// membership of the building, the query, serialisation. Ceiling in the same run: a bare Fastify hello-world, driven by
// the same client (a child process, keep-alive, closed loop) at the same concurrency, rounds alternating with ours.
import Fastify from 'fastify';
import { demoResidentPhone } from '@linli/server/db/seed-demo';
import { statementText } from '@linli/server/db/client';
import { latestPageQuery } from '@linli/server/modules/chats/queries';
import { median, type BenchResult } from '../lib/result';
import { httpLoadClient, type LoadResult } from '../lib/http-load';
import { withScratchDatabase } from '../lib/scratch';

const historyPerBuilding = 3000;
const pageSize = 50;
const concurrency = 32;
const rounds = 3;
const roundMs = 6000;
const warmUpMs = 3000;

const lines = [
  '今天下午三点楼下发放蔬菜包，请带好取货码。',
  '收到，谢谢网格员！',
  '请问 2 单元的快递放在哪里了？',
  '我家老人需要降压药，有志愿者可以帮忙代购吗？我们在 1 单元 302，药名是硝苯地平控释片，一盒就够。',
  '明早 7 点到 9 点核酸，记得带身份证。',
  '好的',
  '电梯又坏了，物业电话打不通，有人知道怎么报修吗？',
  '楼下的垃圾今天还没清运，味道有点大。',
];

export async function runChatReadBench(): Promise<BenchResult[]> {
  return withScratchDatabase('chat-read', async (scratch) => {
    const setup = scratch.pool(1);
    // History in every building's group, sent by its bound residents: replies and mentions included, so the page's
    // joins (sender, quoted message and its sender, notice) have rows to find.
    await setup.query(`INSERT INTO chat_groups (building_id) SELECT id FROM buildings ON CONFLICT DO NOTHING`);
    await setup.query(`
      WITH senders AS (
        SELECT h.building_id, array_agg(hb.user_id ORDER BY hb.user_id) AS ids
        FROM household_bindings hb JOIN households h ON h.id = hb.household_id WHERE hb.status = 'approved' GROUP BY h.building_id
      )
      INSERT INTO chat_messages (group_id, seq, sender_id, kind, text, mentions, client_id, created_at)
      SELECT g.building_id, g.last_seq + n, s.ids[1 + n % array_length(s.ids, 1)], 'text',
             ($2::text[])[1 + n % array_length($2::text[], 1)],
             CASE WHEN n % 25 = 0 THEN jsonb_build_array(s.ids[1 + (n + 1) % array_length(s.ids, 1)]) ELSE '[]'::jsonb END,
             'bench-history-' || n, now() - make_interval(mins => ($1 - n) * 10)
      FROM chat_groups g JOIN senders s ON s.building_id = g.building_id, generate_series(1, $1) n`, [historyPerBuilding, lines]);
    await setup.query(`
      UPDATE chat_messages m SET reply_to_id = r.id FROM chat_messages r
      WHERE m.client_id LIKE 'bench-history-%' AND m.seq % 10 = 0 AND r.group_id = m.group_id AND r.seq = m.seq - 3`);
    await setup.query(`UPDATE chat_groups g SET last_seq = (SELECT max(seq) FROM chat_messages m WHERE m.group_id = g.building_id)`);
    await setup.query('ANALYZE');
    const { rows: [building] } = await setup.query<{ id: string; last_seq: number }>(`
      SELECT b.id, g.last_seq FROM buildings b JOIN chat_groups g ON g.building_id = b.id WHERE b.name = '1号楼'`);

    const { app, baseUrl } = await scratch.startApp();
    // The 24 residents of 1号楼, each with their own token, taken in turn.
    const phones = [1, 2].flatMap((unit) => [1, 2, 3, 4, 5, 6].flatMap((floor) => [1, 2].map((r) => demoResidentPhone(1, unit, `${floor}0${r}`))));
    const authorizations: string[] = [];
    for (const phone of phones) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone } });
      if (res.statusCode !== 200) throw new Error(`dev-login ${phone} → ${res.statusCode} ${res.body}`);
      authorizations.push(`Bearer ${res.json().accessToken as string}`);
    }
    const oursUrl = `${baseUrl}/api/v1/chats/${building!.id}/messages`;
    // What the bench times must be the real page: 50 messages, the newest last, and more before them.
    const probe = await fetch(oursUrl, { headers: { authorization: authorizations[0]! } });
    const page = (await probe.json()) as { items: { seq: number }[]; hasMore: boolean };
    if (probe.status !== 200 || page.items.length !== pageSize || page.items.at(-1)!.seq !== building!.last_seq || !page.hasMore) {
      throw new Error(`GET ${oursUrl} → ${probe.status}, ${page.items?.length} items, last seq ${page.items?.at(-1)?.seq} of ${building!.last_seq}`);
    }
    // Out of scope must stay out of scope under the bench's tokens too: a resident of 1号楼 reading 2号楼's chat.
    const { rows: [other] } = await setup.query<{ id: string }>(`SELECT id FROM buildings WHERE name = '2号楼'`);
    const refused = await fetch(`${baseUrl}/api/v1/chats/${other!.id}/messages`, { headers: { authorization: authorizations[0]! } });
    if (refused.status !== 404) throw new Error(`a resident of 1号楼 reading 2号楼's chat → ${refused.status}`);
    await refused.arrayBuffer();

    const ceilingApp = Fastify({ logger: false });
    ceilingApp.get('/hello', async () => ({ hello: 'world' }));
    // Not a ceiling the issue names, a yardstick for where the time goes: the server's own latest-page statement
    // (latestPageQuery) through pg in a bare route, rows sent as they come, no auth, no schema.
    const barePool = scratch.pool(20);
    const barePageStatement = statementText(latestPageQuery, { groupId: building!.id, limit: pageSize + 1 });
    ceilingApp.get('/page', async () => {
      const { rows } = await barePool.query({ name: 'bench_page', ...barePageStatement });
      return { items: rows.reverse() };
    });
    scratch.onTeardown(() => ceilingApp.close());
    const ceilingBase = await ceilingApp.listen({ port: 0, host: '127.0.0.1' });
    const ceilingUrl = `${ceilingBase}/hello`;
    const barePageUrl = `${ceilingBase}/page`;

    const client = httpLoadClient();
    scratch.onTeardown(() => client.close());
    const load = async (label: string, url: string, withTokens: boolean, durationMs: number) => {
      const result = await client.run({ url, authorizations: withTokens ? authorizations : [], concurrency, durationMs });
      const wrong = Object.entries(result.unexpected);
      if (wrong.length) throw new Error(`${label}: answers other than 200: ${JSON.stringify(result.unexpected)}`);
      return result;
    };
    await load('ceiling warm-up', ceilingUrl, false, warmUpMs);
    await load('ours warm-up', oursUrl, true, warmUpMs);
    await load('bare page warm-up', barePageUrl, false, warmUpMs);
    const ours: LoadResult[] = [];
    const ceiling: LoadResult[] = [];
    const barePage: LoadResult[] = [];
    const sides = {
      ours: async () => ours.push(await load('ours', oursUrl, true, roundMs)),
      ceiling: async () => ceiling.push(await load('ceiling', ceilingUrl, false, roundMs)),
      barePage: async () => barePage.push(await load('bare page', barePageUrl, false, roundMs)),
    };
    const orders = [['ceiling', 'ours', 'barePage'], ['ours', 'barePage', 'ceiling'], ['barePage', 'ceiling', 'ours']] as const;
    for (let round = 1; round <= rounds; round++) {
      // The order rotates, so a drift in the machine's load hits all three alike.
      for (const side of orders[(round - 1) % orders.length]!) await sides[side]();
      const [o, c, b] = [ours.at(-1)!, ceiling.at(-1)!, barePage.at(-1)!];
      console.log(`chat-read: round ${round}/${rounds}  ours ${o.perSecond.toFixed(0)} req/s p50 ${o.p50.toFixed(1)} p99 ${o.p99.toFixed(1)} ms (${(o.bytesPerAnswer / 1024).toFixed(1)} KiB)`
        + `  hello-world ${c.perSecond.toFixed(0)} req/s p50 ${c.p50.toFixed(1)} p99 ${c.p99.toFixed(1)} ms`
        + `  bare page ${b.perSecond.toFixed(0)} req/s p50 ${b.p50.toFixed(1)} p99 ${b.p99.toFixed(1)} ms (${(b.bytesPerAnswer / 1024).toFixed(1)} KiB)`);
    }
    const rate = { ours: median(ours.map((r) => r.perSecond)), ceiling: median(ceiling.map((r) => r.perSecond)) };
    const p50 = { ours: median(ours.map((r) => r.p50)), ceiling: median(ceiling.map((r) => r.p50)) };
    const p99 = { ours: median(ours.map((r) => r.p99)), ceiling: median(ceiling.map((r) => r.p99)) };
    return [
      {
        figure: `read: GET /chats/:id/messages, latest ${pageSize} of ${historyPerBuilding}, ${concurrency} clients (median of ${rounds} rounds)`,
        ours: rate.ours,
        ceiling: rate.ceiling,
        unit: 'req/s',
        ratio: rate.ours / rate.ceiling,
        note: `whole request as a resident (JWT, actor and membership, the page query with sender, reply and notice joins, serialisation of ${(median(ours.map((r) => r.bytesPerAnswer)) / 1024).toFixed(1)} KiB); `
          + `ceiling: bare Fastify hello-world, same client (child process, keep-alive, closed loop), same concurrency, ${roundMs / 1000} s rounds in rotating order`,
      },
      { figure: 'read p50 latency', ours: p50.ours, ceiling: p50.ceiling, unit: 'ms', ratio: p50.ceiling / p50.ours },
      { figure: 'read p99 latency', ours: p99.ours, ceiling: p99.ceiling, unit: 'ms', ratio: p99.ceiling / p99.ours },
      {
        figure: 'read: ours vs the same page query through a bare Fastify route (yardstick)',
        ours: rate.ours,
        ceiling: median(barePage.map((r) => r.perSecond)),
        unit: 'req/s',
        ratio: rate.ours / median(barePage.map((r) => r.perSecond)),
        note: `the page's SQL through pg (prepared, pool of 20), rows as they come (${(median(barePage.map((r) => r.bytesPerAnswer)) / 1024).toFixed(1)} KiB), no auth, no schema: `
          + `what is left between it and hello-world is the database; between ours and it, our request path (p50 ${median(barePage.map((r) => r.p50)).toFixed(1)} ms, p99 ${median(barePage.map((r) => r.p99)).toFixed(1)} ms)`,
      },
    ];
  });
}
