// Household import: a grid office's roll (CSV, one row per person) checked as a whole, then written in one transaction.
import { importColumns, ImportRow, type ImportColumn, type ImportResult } from '@linli/shared';
import { eq, sql } from 'drizzle-orm';
import { can, staffGridIds, type Actor } from '../../authorization/policy';
import { selectRows, type Database, type DbOrTx } from '../../db/client';
import { buildings, households, persons } from '../../db/schema';
import { badRequest, forbidden } from '../../errors';
import { recordAudit } from '../audit/service';
import { CsvFormatError, decodeCsvBytes, parseCsv, type CsvRecord } from './csv';

export interface ImportLineError {
  line: number;
  message: string;
}

interface PlannedPerson {
  buildingId: string;
  unit: string;
  room: string;
  row: ImportRow;
}

/** Rows per statement: keeps each statement's arrays, locks and WAL burst small on a big roll. */
const chunkSize = 1000;

function importInvalid(errors: ImportLineError[]): never {
  const lines = new Set(errors.map((e) => e.line)).size;
  throw badRequest('IMPORT_INVALID', `导入文件有 ${lines} 行错误，未写入任何数据`, { errors });
}

function fileInvalid(line: number, message: string): never {
  throw badRequest('IMPORT_INVALID', `${message}，未写入任何数据`, { errors: [{ line, message }] });
}

/** The community whose roll this is: the caller's only staff community, or the one named (which they must staff). */
export function importCommunity(actor: Actor, communityId: string | undefined) {
  const scopes = staffGridIds(actor);
  if (scopes.length === 0) throw forbidden('只有网格员或社区管理员可以导入住户');
  if (communityId) {
    const scope = scopes.find((s) => s.communityId === communityId);
    if (!scope) throw forbidden('您不是该社区的工作人员');
    return scope;
  }
  if (scopes.length > 1) {
    throw badRequest('VALIDATION_FAILED', '您在多个社区任职，请用 ?communityId= 指明导入哪个社区', {
      communityIds: scopes.map((s) => s.communityId),
    });
  }
  return scopes[0]!;
}

export function assertStaff(actor: Actor): void {
  if (staffGridIds(actor).length === 0) throw forbidden('只有网格员或社区管理员可以下载导入模板');
}

function readRecords(bytes: Uint8Array, declaredCharset: string | undefined): CsvRecord[] {
  try {
    return parseCsv(decodeCsvBytes(bytes, declaredCharset));
  } catch (err) {
    if (err instanceof CsvFormatError) fileInvalid(err.line, err.message);
    throw err;
  }
}

/** Column positions by header name; every import column exactly once, nothing else. */
function readHeader(header: CsvRecord): Map<ImportColumn, number> {
  const names = header.fields.map((f) => f.trim());
  const positions = new Map<ImportColumn, number>();
  const unknown: string[] = [];
  const repeated: string[] = [];
  names.forEach((name, index) => {
    if (name === '' && index === names.length - 1 && index > 0) return; // a trailing comma Excel sometimes leaves
    if (!(importColumns as readonly string[]).includes(name)) unknown.push(name || `第 ${index + 1} 列（空）`);
    else if (positions.has(name as ImportColumn)) repeated.push(name);
    else positions.set(name as ImportColumn, index);
  });
  const missing = importColumns.filter((c) => !positions.has(c));
  if (missing.length || unknown.length || repeated.length) {
    const problems = [
      missing.length ? `缺少列：${missing.join('、')}` : '',
      unknown.length ? `多余的列：${unknown.join('、')}` : '',
      repeated.length ? `重复的列：${repeated.join('、')}` : '',
    ].filter(Boolean);
    throw badRequest('IMPORT_INVALID', `第 ${header.line} 行应为表头（${importColumns.join(',')}）：${problems.join('；')}，未写入任何数据`, {
      errors: [{ line: header.line, message: `表头不对：${problems.join('；')}` }],
      expected: importColumns,
    });
  }
  return positions;
}

/**
 * Validates every row (format, building in the caller's scope, no person twice) and returns the persons to write,
 * or throws IMPORT_INVALID listing every bad line. Reads only.
 */
export async function planImport(
  db: DbOrTx,
  actor: Actor,
  communityId: string,
  bytes: Uint8Array | undefined,
  declaredCharset?: string,
): Promise<PlannedPerson[]> {
  if (!bytes || bytes.length === 0) fileInvalid(1, '文件是空的');
  const records = readRecords(bytes, declaredCharset);
  const [header, ...rows] = records;
  if (!header) fileInvalid(1, '文件是空的');
  const positions = readHeader(header);
  const width = header.fields.length;

  const buildingByName = new Map<string, { id: string; gridId: string }>();
  for (const b of await db
    .select({ id: buildings.id, name: buildings.name, gridId: buildings.gridId })
    .from(buildings)
    .where(eq(buildings.communityId, communityId))) {
    if (can(actor, 'grid.manage', { communityId, gridId: b.gridId, buildingId: b.id })) buildingByName.set(b.name, b);
  }

  const errors: ImportLineError[] = [];
  const planned: PlannedPerson[] = [];
  const firstLineOfPerson = new Map<string, number>();
  for (const record of rows) {
    if (record.fields.every((f) => f.trim() === '')) continue; // rows Excel leaves behind after clearing cells
    const problems: string[] = [];
    const extra = record.fields.slice(width);
    if (record.fields.length < positions.size || extra.some((f) => f.trim() !== '')) {
      errors.push({ line: record.line, message: `应有 ${importColumns.length} 列，实际 ${record.fields.length} 列（含逗号的内容要用引号括起来）` });
      continue;
    }
    const raw = Object.fromEntries(importColumns.map((c) => [c, record.fields[positions.get(c)!] ?? '']));
    const parsed = ImportRow.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? '');
        problems.push(column && !issue.message.includes(column) ? `${column}：${issue.message}` : issue.message);
      }
    }
    const buildingName = parsed.success ? parsed.data.楼栋 : raw.楼栋!.normalize('NFKC').trim();
    const building = buildingName ? buildingByName.get(buildingName) : undefined;
    if (buildingName && !building) problems.push(`楼栋“${buildingName}”不存在或不在您负责的网格`);
    if (parsed.success && building) {
      const row = parsed.data;
      const key = `${householdKey(building.id, row.单元, row.房号)}\u0000${row.姓名}`;
      const first = firstLineOfPerson.get(key);
      if (first !== undefined) problems.push(`与第 ${first} 行重复：${row.楼栋}${row.单元}单元${row.房号}已有成员“${row.姓名}”`);
      else firstLineOfPerson.set(key, record.line);
      if (problems.length === 0) planned.push({ buildingId: building.id, unit: row.单元, room: row.房号, row });
    }
    if (problems.length) errors.push({ line: record.line, message: problems.join('；') });
  }
  if (errors.length) importInvalid(errors);
  if (planned.length === 0) fileInvalid(2, '文件只有表头，没有住户数据');
  return planned;
}

const householdKey = (buildingId: string, unit: string, room: string) => `${buildingId}\u0000${unit}\u0000${room}`;
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
  return out;
}

/** Column arrays for `unnest(…)`: one parameter per column, however many rows. */
function columns<T, K extends string>(items: T[], pick: (item: T) => Record<K, unknown>): Record<K, unknown[]> {
  const out = {} as Record<K, unknown[]>;
  for (const item of items) {
    for (const [key, value] of Object.entries(pick(item)) as [K, unknown][]) (out[key] ??= []).push(value);
  }
  return out;
}

function distinctHouseholds(planned: PlannedPerson[]) {
  const byKey = new Map<string, { buildingId: string; unit: string; room: string }>();
  for (const p of planned) byKey.set(householdKey(p.buildingId, p.unit, p.room), { buildingId: p.buildingId, unit: p.unit, room: p.room });
  // One order for every import, so two imports touching the same rooms lock them in the same order and never deadlock.
  return [...byKey.entries()].sort(([a], [b]) => byString(a, b)).map(([, h]) => h);
}

/**
 * Writes the planned persons in one transaction: missing households are created, persons are matched by household and
 * name and inserted or updated. Rows travel as column arrays through `unnest`, so a 1,000-row statement has 7 parameters
 * (building a 7,000-placeholder VALUES list cost more than the database's own work). The audit entry (who imported
 * how many persons' data) is written in the same transaction.
 */
export async function writeImport(db: Database, planned: PlannedPerson[], by: { actorId: string; communityId: string }): Promise<ImportResult> {
  const touched = distinctHouseholds(planned);
  return db.transaction(async (tx) => {
    const idOf = new Map<string, string>();
    for (const chunk of chunks(touched)) {
      const c = columns(chunk, (h) => ({ building: h.buildingId, unit: h.unit, room: h.room }));
      await tx.execute(sql`
        INSERT INTO ${households} (building_id, unit, room)
        SELECT * FROM unnest(${sql.param(c.building)}::uuid[], ${sql.param(c.unit)}::text[], ${sql.param(c.room)}::text[])
        ON CONFLICT (building_id, unit, room) DO NOTHING`);
      const rows = await selectRows<{ id: string; building_id: string; unit: string; room: string }>(tx, sql`
        SELECT h.id, h.building_id, h.unit, h.room
        FROM ${households} h
        JOIN unnest(${sql.param(c.building)}::uuid[], ${sql.param(c.unit)}::text[], ${sql.param(c.room)}::text[]) AS k(building_id, unit, room)
          ON h.building_id = k.building_id AND h.unit = k.unit AND h.room = k.room`);
      for (const h of rows) idOf.set(householdKey(h.building_id, h.unit, h.room), h.id);
    }

    const values = planned
      .map((p) => ({ householdId: idOf.get(householdKey(p.buildingId, p.unit, p.room))!, row: p.row }))
      .sort((a, b) => byString(a.householdId, b.householdId) || byString(a.row.姓名, b.row.姓名));
    let created = 0;
    for (const chunk of chunks(values)) {
      const c = columns(chunk, ({ householdId, row }) => ({
        household: householdId,
        name: row.姓名,
        relation: row.关系,
        birthYear: row.出生年份,
        renter: row.租户,
        careTags: JSON.stringify(row.关怀标签),
        phone: row.手机号,
      }));
      // xmax = 0 on a returned row means this statement inserted it; otherwise ON CONFLICT updated an existing person.
      const returned = await selectRows<{ inserted: boolean }>(tx, sql`
        INSERT INTO ${persons} (household_id, name, relation, birth_year, is_renter, care_tags, phone)
        SELECT * FROM unnest(
          ${sql.param(c.household)}::uuid[], ${sql.param(c.name)}::text[], ${sql.param(c.relation)}::person_relation[],
          ${sql.param(c.birthYear)}::int[], ${sql.param(c.renter)}::boolean[], ${sql.param(c.careTags)}::jsonb[], ${sql.param(c.phone)}::text[])
        ON CONFLICT (household_id, name) DO UPDATE SET
          relation = excluded.relation, birth_year = excluded.birth_year, is_renter = excluded.is_renter,
          care_tags = excluded.care_tags, phone = excluded.phone, updated_at = now()
        RETURNING (xmax = 0) AS inserted`);
      for (const r of returned) if (r.inserted) created++;
    }
    const result = { created, updated: planned.length - created, households: touched.length, persons: planned.length, errors: [] };
    await recordAudit(tx, {
      actorId: by.actorId, communityId: by.communityId, action: 'households.import', subjectType: 'community', subjectId: by.communityId,
      details: { persons: result.persons, created: result.created, updated: result.updated, households: result.households },
    });
    return result;
  });
}

/** What writeImport would report, counted against the current rows without writing. */
export async function countImport(db: DbOrTx, planned: PlannedPerson[]): Promise<ImportResult> {
  let updated = 0;
  for (const chunk of chunks(planned)) {
    const c = columns(chunk, (p) => ({ building: p.buildingId, unit: p.unit, room: p.room, name: p.row.姓名 }));
    const [row] = await selectRows<{ existing: number }>(db, sql`
      SELECT count(p.id)::int AS existing
      FROM unnest(${sql.param(c.building)}::uuid[], ${sql.param(c.unit)}::text[], ${sql.param(c.room)}::text[], ${sql.param(c.name)}::text[])
        AS v(building_id, unit, room, name)
      JOIN ${households} h ON h.building_id = v.building_id AND h.unit = v.unit AND h.room = v.room
      JOIN ${persons} p ON p.household_id = h.id AND p.name = v.name`);
    updated += row?.existing ?? 0;
  }
  return { created: planned.length - updated, updated, households: distinctHouseholds(planned).length, persons: planned.length, errors: [] };
}
