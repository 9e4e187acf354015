// The bad-input sweep: every route of the live route table that takes input gets valid requests generated from its
// own schema (the OpenAPI document, generated from the shared zod schemas), broken in one way each (wrong types,
// missing and extra fields, huge strings, bad numbers, edge dates, unicode edge cases, deep nesting, wrong content
// type, empty body), sent as admin, grid worker, resident, volunteer and anonymous with real tokens. Promises: no
// 5xx, every 4xx carries { error: { code, message } }, and a refused request changes no row (a trigger on every
// table logs each change). Seed: SWEEP_SEED (printed); runs per route: SWEEP_RUNS; only routes containing SWEEP_ROUTE.
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { ErrorCode } from '@linli/shared';
import { selectRows } from '@linli/server/db/client';
import { createTestApp, type TestApp } from '../support/app';
import { onPostgres } from '../support/database';
import {
  mutationKinds, summarise, sweepCase, sweptRoutes, takesInput, toWire,
  type MutationKind, type OpenApiOperation, type SweptRoute,
} from '../support/arbitraries';

const seed = process.env.SWEEP_SEED ? Number(process.env.SWEEP_SEED) : 20261126;
const runsPerRoute = process.env.SWEEP_RUNS ? Number(process.env.SWEEP_RUNS) : 36;
const routeFilter = process.env.SWEEP_ROUTE ?? '';

/** Each route draws from its own seed, so SWEEP_ROUTE alone replays a route's cases (ids differ: the demo data is new each run). */
const routeSeed = (routeKey: string) => [...routeKey].reduce((hash, c) => (Math.imul(hash, 31) + c.charCodeAt(0)) | 0, seed);

const rolePhones = {
  admin: '13900000000',
  'grid worker': '13900000001',
  resident: '13801110100',
  volunteer: '13900000031',
  anonymous: null,
} as const;
type Role = keyof typeof rolePhones;
const roles = Object.keys(rolePhones) as Role[];
// Anonymous requests stop at authentication (before the body is read): one case in thirteen is enough to prove it.
const roleArbitrary = fc.oneof(...roles.map((role) => ({ arbitrary: fc.constant(role), weight: role === 'anonymous' ? 1 : 3 })));

/**
 * Writes a refused request may make, and why; any other row change under a 4xx fails the sweep.
 * (Rate-limit counters live in Redis or in process memory, not in these tables.)
 */
const allowedWritesOnRefusal: { route: string; status: number; table: string; op: string; why: string }[] = [
  { route: 'POST /api/v1/auth/refresh', status: 401, table: 'refresh_tokens', op: 'UPDATE', why: 're-using a spent refresh token revokes its family (theft detection)' },
];

// Field names and path segments → the table whose ids are valid there (most follow "xId" → "xs").
const tableOfStem: Record<string, string[]> = {
  chat: ['chat_groups'], message: ['chat_messages'], replyTo: ['chat_messages'], image: ['chat_images'], mention: ['users'],
  actor: ['users'], item: ['group_buy_items', 'reserve_items'],
};

let t: TestApp;
let routes: SweptRoute[];
const tokens = new Map<Role, string | null>();
let idsByTable = new Map<string, string[]>();
let appTables: string[] = [];
let triggeredTables = 0;
/** Per role, the ids of each table that 2xx responses have shown that role: objects in its scope. */
const seenByRole = new Map<Role, Map<string, Set<string>>>(roles.map((r) => [r, new Map()]));

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, '_');
const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
const singular = (plural: string) => plural.replace(/(ss|sh|ch|x)es$/, '$1').replace(/ies$/, 'y').replace(/s$/, '');
const isUuid = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

function tablesForField(fieldName: string): string[] {
  const stem = fieldName.replace(/Ids?$/, '');
  if (tableOfStem[stem]) return tableOfStem[stem]!;
  const lastWord = stem.match(/[A-Z][a-z]*$/)?.[0]?.toLowerCase() ?? stem;
  for (const candidate of [`${snake(stem)}s`, `${lastWord}s`]) if (idsByTable.has(candidate)) return [candidate];
  return [];
}

const tablesForSegment = (segment: string) => tablesForField(`${camel(singular(segment))}Id`);

/** The table of a route's objects: the last literal path segment (before `before`) that names one. */
function tablesOfRoute(path: string, before?: string): string[] {
  const segments = path.split('/');
  const end = before && segments.includes(before) ? segments.indexOf(before) : segments.length;
  for (let i = end - 1; i >= 0; i--) {
    const segment = segments[i]!;
    if (segment.startsWith('{')) continue;
    const tables = tablesForSegment(segment);
    if (tables.length > 0) return tables;
  }
  return [];
}

function idsFor(role: Role) {
  return (fieldName: string, path: string) => {
    const tables = fieldName ? tablesForField(fieldName) : tablesOfRoute(path, '{id}');
    const seen = seenByRole.get(role)!;
    return {
      inScope: tables.flatMap((table) => [...(seen.get(table) ?? [])]).sort(),
      anywhere: tables.flatMap((table) => idsByTable.get(table) ?? []),
    };
  };
}

/** Notes the ids in a 2xx JSON body as in the caller's scope, under the table each one belongs to. */
function harvest(role: Role, path: string, value: unknown, tables = tablesOfRoute(path), depth = 0) {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  const note = (table: string, id: string) => {
    const seen = seenByRole.get(role)!;
    if (!seen.has(table)) seen.set(table, new Set());
    if (seen.get(table)!.size < 60) seen.get(table)!.add(id);
  };
  if (Array.isArray(value)) {
    for (const inner of value) harvest(role, path, inner, tables, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [key, inner] of Object.entries(record)) {
    if (key === 'id' && isUuid(inner)) for (const table of tables) note(table, inner);
    else if (/Ids?$/.test(key)) {
      for (const id of [inner].flat().filter(isUuid)) for (const table of tablesForField(key)) note(table, id);
    } else if (inner !== null && typeof inner === 'object') {
      // A list's "items" are the route's own objects; any other key names what it holds (households, user, a group buy's items).
      const innerTables = key === 'items' && !('id' in record) ? tables : tablesForSegment(key);
      harvest(role, path, inner, innerTables, depth + 1);
    }
  }
}

async function loadIds() {
  const next = new Map<string, string[]>();
  for (const table of appTables) {
    const rows = await selectRows<{ id: string }>(t.db, sql.raw(`SELECT id::text AS id FROM "${table}" ORDER BY id LIMIT 40`));
    next.set(table, rows.map((r) => r.id));
  }
  idsByTable = next;
}

/** A row-level trigger on every app table notes each committed insert, update and delete (rolled-back ones vanish with their transaction). */
async function installRowChangeLog(): Promise<number> {
  // One statement per call: PGlite's extended protocol takes no multi-statement text.
  await t.db.execute(sql.raw('CREATE TABLE sweep_row_changes (id bigserial PRIMARY KEY, table_name text NOT NULL, op text NOT NULL)'));
  await t.db.execute(sql.raw(`CREATE FUNCTION sweep_note_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO sweep_row_changes (table_name, op) VALUES (TG_TABLE_NAME, TG_OP);
      RETURN NULL;
    END $$`));
  const tables = await selectRows<{ tablename: string }>(t.db, sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'sweep_row_changes' ORDER BY tablename`);
  for (const { tablename } of tables) {
    await t.db.execute(sql.raw(`CREATE TRIGGER sweep_row_change AFTER INSERT OR UPDATE OR DELETE ON "${tablename}" FOR EACH ROW EXECUTE FUNCTION sweep_note_row_change()`));
  }
  const withIds = await selectRows<{ table_name: string }>(t.db, sql`
    SELECT table_name FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'id' AND data_type = 'uuid' ORDER BY table_name`);
  appTables = withIds.map((r) => r.table_name);
  return tables.length;
}

async function lastRowChange(): Promise<number> {
  const [row] = await selectRows<{ last: string }>(t.db, sql`SELECT coalesce(max(id), 0)::text AS last FROM sweep_row_changes`);
  return Number(row!.last);
}

/**
 * Waits for work an accepted request started in the background (the WeChat outbox drain after a notice) to commit,
 * so its writes are not counted against the next request: no other session busy, and no new row change for 10 ms.
 */
async function settle() {
  let last = await lastRowChange();
  for (let round = 0; round < 100; round++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [busy] = onPostgres
      ? await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`)
      : [{ n: 0 }];
    const now = await lastRowChange();
    if (now === last && busy!.n === 0) return;
    last = now;
  }
}

async function rowChangesSince(last: number): Promise<{ table_name: string; op: string }[]> {
  return selectRows(t.db, sql`SELECT table_name, op FROM sweep_row_changes WHERE id > ${last} ORDER BY id`);
}

beforeAll(async () => {
  t = await createTestApp();
  for (const role of roles) {
    const phone = rolePhones[role];
    tokens.set(role, phone ? (await t.login(phone)).token : null);
  }
  routes = sweptRoutes(t.app.swagger() as { paths: Record<string, Record<string, OpenApiOperation>> });
  triggeredTables = await installRowChangeLog();
});
afterAll(async () => t?.close());

it('notes every committed row change in the test database, and none that was rolled back', async () => {
  expect(triggeredTables).toBeGreaterThanOrEqual(40);
  const before = await lastRowChange();
  await t.db.execute(sql`UPDATE communities SET name = name`);
  await t.db.transaction(async (tx) => {
    await tx.execute(sql`UPDATE grids SET name = name`);
    tx.rollback();
  }).catch(() => undefined);
  const communities = await selectRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM communities`);
  const changes = await rowChangesSince(before);
  expect(changes).toEqual(Array.from({ length: communities[0]!.n }, () => ({ table_name: 'communities', op: 'UPDATE' })));
});

interface Fault {
  problem: string;
  route: string;
  role: Role;
  kind: MutationKind;
  detail: string;
  request: string;
  response: string;
}

it('answers every broken input on every route with a 4xx error body, never a 5xx, and writes nothing when it refuses', async () => {
  const started = Date.now();
  const swept = routes.filter(takesInput).filter((r) => `${r.method} ${r.path}`.includes(routeFilter));
  const faults: Fault[] = [];
  const byKind = Object.fromEntries(mutationKinds.map((k) => [k, { cases: 0, accepted: 0, refused: 0, serverErrors: 0 }])) as Record<MutationKind, { cases: number; accepted: number; refused: number; serverErrors: number }>;
  const byRole = Object.fromEntries(roles.map((r) => [r, 0])) as Record<Role, number>;
  const acceptedRoutes = new Set<string>();
  const validRefusedBy = new Map<string, number>();
  let cases = 0;
  let serverErrors = 0;
  let rowsChangedByRefused = 0;
  let rowsChangedByAccepted = 0;
  let allowedRowChanges = 0;

  // What each role may read before the sweep starts (every list route), so valid inputs use ids in its scope.
  await loadIds();
  for (const role of roles) {
    for (const route of routes.filter((r) => r.method === 'GET' && r.path.startsWith('/api/') && !r.path.includes('{') && !/\.(csv|html)$/.test(r.path))) {
      const res = await t.call(tokens.get(role) ?? null, { method: 'GET', url: route.path });
      if (res.statusCode === 200 && res.headers['content-type']?.toString().startsWith('application/json')) harvest(role, route.path, res.json());
    }
  }
  const inScopeCounts = roles.map((role) => `${role} ${[...seenByRole.get(role)!.values()].reduce((n, ids) => n + ids.size, 0)}`).join(', ');

  for (const route of swept) {
    await loadIds();
    const routeKey = `${route.method} ${route.path}`;
    const drawn = fc.sample(roleArbitrary.chain((role) => sweepCase(route, idsFor(role)).map((sweep) => ({ role, sweep }))), { seed: routeSeed(routeKey), numRuns: runsPerRoute });
    for (const { role, sweep } of drawn) {
      const wire = toWire(route, sweep.input);
      const before = await lastRowChange();
      const token = tokens.get(role) ?? null;
      const res = await t.call(token, { method: wire.method as 'GET', url: wire.url, headers: wire.headers, payload: wire.payload });
      const changes = await rowChangesSince(before);
      cases++;
      byRole[role]++;
      const tally = byKind[sweep.kind];
      tally.cases++;
      const fault = (problem: string) => faults.push({
        problem, route: routeKey, role, kind: sweep.kind, detail: sweep.detail,
        request: `${wire.method} ${wire.url.length > 300 ? `${wire.url.slice(0, 300)}…(${wire.url.length} chars)` : wire.url} ${JSON.stringify(wire.headers)} body ${wire.payload === undefined ? '(none)' : summarise(typeof wire.payload === 'string' ? wire.payload : wire.payload)}`,
        response: `${res.statusCode} ${res.body.slice(0, 300)}`,
      });
      if (res.statusCode >= 500) {
        serverErrors++;
        tally.serverErrors++;
        fault('5xx');
      } else if (res.statusCode >= 400) {
        tally.refused++;
        let code: unknown;
        try {
          code = res.json().error?.code;
        } catch {
          code = undefined;
        }
        if (typeof code !== 'string') fault(`${res.statusCode} without an error code`);
        else if (!ErrorCode.safeParse(code).success) fault(`${res.statusCode} with ${code}, a code not in the shared ErrorCode list`);
        if (sweep.kind === 'valid') validRefusedBy.set(`${res.statusCode} ${String(code)}`, (validRefusedBy.get(`${res.statusCode} ${String(code)}`) ?? 0) + 1);
        const unexplained = changes.filter((c) => !allowedWritesOnRefusal.some((a) => a.route === routeKey && a.status === res.statusCode && a.table === c.table_name && a.op === c.op));
        allowedRowChanges += changes.length - unexplained.length;
        rowsChangedByRefused += unexplained.length;
        if (unexplained.length > 0) {
          const counted = new Map<string, number>();
          for (const c of unexplained) counted.set(`${c.op} ${c.table_name}`, (counted.get(`${c.op} ${c.table_name}`) ?? 0) + 1);
          fault(`refused with ${res.statusCode} but changed rows: ${[...counted].map(([change, n]) => `${n}× ${change}`).join(', ')}`);
        }
      } else {
        tally.accepted++;
        acceptedRoutes.add(routeKey);
        if (res.headers['content-type']?.toString().startsWith('application/json')) harvest(role, route.path, res.json());
        await settle();
        rowsChangedByAccepted += (await rowChangesSince(before)).length;
      }
    }
  }

  const seconds = (Date.now() - started) / 1000;
  const lines = [
    `bad-input sweep on ${onPostgres ? 'PostgreSQL' : 'PGlite'}: seed ${seed} (SWEEP_SEED), ${runsPerRoute} runs per route (SWEEP_RUNS), ${swept.length} routes`,
    `cases tried: ${cases} in ${seconds.toFixed(1)} s; 5xx: ${serverErrors}; rows changed by refused requests: ${rowsChangedByRefused} (allowed, listed: ${allowedRowChanges}); rows changed by accepted requests: ${rowsChangedByAccepted}`,
    `writes allowed on a refusal: ${allowedWritesOnRefusal.map((w) => `${w.op} ${w.table} on ${w.status} from ${w.route} (${w.why})`).join('; ')}`,
    `routes that accepted at least one generated input: ${acceptedRoutes.size} of ${swept.length}`,
    `valid inputs (the control) refused by: ${[...validRefusedBy].sort((a, b) => b[1] - a[1]).map(([why, n]) => `${why} ×${n}`).join(', ')}`,
    `by role: ${roles.map((r) => `${r} ${byRole[r]}`).join(', ')}; ids seen in scope before the sweep: ${inScopeCounts}`,
    'kind            cases  2xx/3xx  4xx  5xx',
    ...mutationKinds.map((k) => `${k.padEnd(15)} ${String(byKind[k].cases).padStart(5)} ${String(byKind[k].accepted).padStart(8)} ${String(byKind[k].refused).padStart(4)} ${String(byKind[k].serverErrors).padStart(4)}`),
    ...faults.slice(0, 40).map((f) => `FAULT ${f.problem}\n  route ${f.route} as ${f.role}; ${f.kind}: ${f.detail}\n  request ${f.request}\n  response ${f.response}\n  replay: SWEEP_SEED=${seed} SWEEP_RUNS=${runsPerRoute} SWEEP_ROUTE='${f.route}'`),
  ];
  console.log(lines.join('\n'));

  // A broken generator or an empty route table must fail, not pass with nothing tried.
  if (!routeFilter) {
    expect(swept.length).toBeGreaterThanOrEqual(100);
    expect(cases).toBeGreaterThanOrEqual(Math.min(3000, swept.length * runsPerRoute));
    for (const kind of mutationKinds) expect(byKind[kind].cases).toBeGreaterThanOrEqual(cases / 40);
    // The generator makes inputs the server accepts (the control), on a good share of the routes.
    expect(byKind.valid.accepted).toBeGreaterThanOrEqual(byKind.valid.cases / 10);
    expect(acceptedRoutes.size).toBeGreaterThanOrEqual(swept.length / 3);
    expect(rowsChangedByAccepted).toBeGreaterThan(0);
  }
  expect(faults.map((f) => `${f.problem}: ${f.route} as ${f.role}; ${f.kind}: ${f.detail}`)).toEqual([]);
  expect(serverErrors).toBe(0);
  expect(rowsChangedByRefused).toBe(0);
}, 600_000);
