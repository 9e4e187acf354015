// bench/import: a 5,000-row roll through POST /households/import on PostgreSQL (target: under 5 s), beside the ceiling,
// a bare chunked INSERT … ON CONFLICT DO UPDATE of the same person rows through `pg`, measured in the same run.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { importColumns } from '@linli/shared';
import { median, timed, type BenchResult } from '../lib/result';
import { withScratchDatabase } from '../lib/scratch';

const rowCount = 5000;
const runs = 5;
const chunkSize = 1000; // the same rows per statement as the import service
const targetSeconds = 5;
const adminPhone = '13900000000';

const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '欧阳', '司马'];
const givenNames = ['建国', '秀英', '志强', '丽华', '伟', '芳', '敏', '静', '磊', '洋', '婷', '军'];
const relations = ['户主', '配偶', '子女', '父母'] as const;
const relationValues = { 户主: 'owner', 配偶: 'spouse', 子女: 'child', 父母: 'parent' } as const;

interface RollPerson {
  household: string;
  building: string;
  unit: string;
  room: string;
  name: string;
  relation: (typeof relations)[number];
  birthYear: number;
  renter: boolean;
  careTags: string[];
  phone: string;
}

/** 5,000 persons in about 2,000 households spread over the six demo buildings (rooms the seed does not use). */
function generateRoll(): RollPerson[] {
  const roll: RollPerson[] = [];
  for (let h = 0; roll.length < rowCount; h++) {
    const building = `${(h % 6) + 1}号楼`;
    const k = Math.floor(h / 6);
    const unit = String(3 + (k % 3));
    const rest = Math.floor(k / 3);
    const room = `${Math.floor(rest / 4) + 1}${String((rest % 4) + 1).padStart(2, '0')}`;
    const surname = surnames[h % surnames.length]!;
    const size = 1 + (h % 4);
    for (let i = 0; i < size && roll.length < rowCount; i++) {
      const relation = relations[i]!;
      roll.push({
        household: `${building}/${unit}/${room}`,
        building,
        unit,
        room,
        name: `${surname}${givenNames[(h + i) % givenNames.length]}${i}`,
        relation,
        birthYear: 1940 + ((h * 7 + i * 13) % 80),
        renter: h % 7 === 3,
        careTags: size === 1 && h % 5 === 0 ? ['独居老人'] : i === 3 ? ['慢病需药'] : [],
        phone: i === 0 ? `139${String(h).padStart(8, '0')}` : '',
      });
    }
  }
  return roll;
}

function rollCsv(roll: RollPerson[]): Buffer {
  const lines = [importColumns.join(',')];
  for (const p of roll) {
    lines.push([p.building, p.unit, p.room, p.name, p.relation, p.birthYear, p.renter ? '是' : '否', p.careTags.join(';'), p.phone].join(','));
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

const careTagValues: Record<string, string> = { 独居老人: 'elderly_alone', 慢病需药: 'chronic_medication' };

type BareForm = 'values' | 'unnest';
const upsertTail = `ON CONFLICT (household_id, name) DO UPDATE SET relation = excluded.relation, birth_year = excluded.birth_year,
  is_renter = excluded.is_renter, care_tags = excluded.care_tags, phone = excluded.phone, updated_at = now()
  RETURNING (xmax = 0) AS inserted`;

/**
 * The ceiling: the same persons upserted straight through `pg` into a copy of the persons table (its indexes and
 * checks, no foreign key), 1,000 rows per statement like the service, as a VALUES list or as column arrays via unnest.
 */
async function bareUpsert(client: pg.ClientBase, roll: RollPerson[], householdIds: Map<string, string>, form: BareForm): Promise<number> {
  const table = `bench_ceiling_${form}`;
  let inserted = 0;
  await client.query('BEGIN');
  for (let start = 0; start < roll.length; start += chunkSize) {
    const chunk = roll.slice(start, start + chunkSize).map((p) => [
      householdIds.get(p.household),
      p.name,
      relationValues[p.relation],
      p.birthYear,
      p.renter,
      JSON.stringify(p.careTags.map((t) => careTagValues[t])),
      p.phone || null,
    ]);
    let text: string;
    let params: unknown[];
    if (form === 'values') {
      params = chunk.flat();
      const tuples = chunk.map((_, r) => `(${Array.from({ length: 7 }, (_, c) => `$${r * 7 + c + 1}`).join(', ')})`);
      text = `INSERT INTO ${table} (household_id, name, relation, birth_year, is_renter, care_tags, phone)
        VALUES ${tuples.join(', ')} ${upsertTail}`;
    } else {
      params = Array.from({ length: 7 }, (_, c) => chunk.map((row) => row[c]));
      text = `INSERT INTO ${table} (household_id, name, relation, birth_year, is_renter, care_tags, phone)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::person_relation[], $4::int[], $5::boolean[], $6::jsonb[], $7::text[])
        ${upsertTail}`;
    }
    const result = await client.query<{ inserted: boolean }>(text, params);
    inserted += result.rows.filter((r) => r.inserted).length;
  }
  await client.query('COMMIT');
  return inserted;
}

export async function runImportBench(): Promise<BenchResult[]> {
  return withScratchDatabase('import', async (scratch) => {
    const { app } = await scratch.startApp();
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/dev-login', payload: { phone: adminPhone } });
    if (login.statusCode !== 200) throw new Error(`dev-login → ${login.statusCode} ${login.body}`);
    const token = login.json().accessToken as string;

    const roll = generateRoll();
    const body = rollCsv(roll);
    const householdCount = new Set(roll.map((p) => p.household)).size;
    console.log(`import: ${roll.length} rows, ${householdCount} households, ${(body.length / 1024).toFixed(0)} KB of CSV`);

    const importOnce = async (query = '') => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/households/import${query}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        payload: body,
      });
      if (res.statusCode !== 200) throw new Error(`import → ${res.statusCode} ${res.body.slice(0, 500)}`);
      return res.json() as { created: number; updated: number; households: number; persons: number };
    };

    // Decode, parse, validate and count only: what the request costs before any write.
    let dry: { created: number } | undefined;
    const drySeconds = await timed(async () => {
      dry = await importOnce('?dryRun=true');
    });
    console.log(`import: dry run ${drySeconds.toFixed(3)} s (would create ${dry!.created})`);

    const bareForms: BareForm[] = ['values', 'unnest'];
    // One connection for the ceiling: each bare run is one transaction on it.
    const ceilingClient = await scratch.pool(1).connect();
    scratch.onTeardown(async () => ceilingClient.release());
    for (const form of bareForms) await ceilingClient.query(`CREATE TABLE bench_ceiling_${form} (LIKE persons INCLUDING ALL)`);
    const ceilingHouseholds = new Map([...new Set(roll.map((p) => p.household))].map((key) => [key, randomUUID()]));

    const ours: number[] = [];
    const bare: Record<BareForm, number[]> = { values: [], unnest: [] };
    for (let run = 1; run <= runs; run++) {
      let result: { created: number; updated: number } | undefined;
      ours.push(await timed(async () => {
        result = await importOnce();
      }));
      const expected = run === 1 ? { created: rowCount, updated: 0 } : { created: 0, updated: rowCount };
      if (result!.created !== expected.created || result!.updated !== expected.updated) {
        throw new Error(`import run ${run}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(result)}`);
      }
      for (const form of bareForms) {
        let bareInserted = 0;
        bare[form].push(await timed(async () => {
          bareInserted = await bareUpsert(ceilingClient, roll, ceilingHouseholds, form);
        }));
        if (bareInserted !== expected.created) throw new Error(`ceiling (${form}) run ${run}: inserted ${bareInserted}, expected ${expected.created}`);
      }
      console.log(
        `import: run ${run}/${runs}  ours ${ours.at(-1)!.toFixed(3)} s (${result!.created} created, ${result!.updated} updated)`
        + `  bare VALUES ${bare.values.at(-1)!.toFixed(3)} s  bare unnest ${bare.unnest.at(-1)!.toFixed(3)} s`,
      );
    }
    // The ceiling is the faster of the two bare forms (median against median), and the same form's first run.
    const ceilingForm: BareForm = median(bare.unnest) <= median(bare.values) ? 'unnest' : 'values';
    const ceiling = bare[ceilingForm];

    const oursSeconds = median(ours);
    const ceilingSeconds = median(ceiling);
    const met = oursSeconds < targetSeconds ? 'met' : 'MISSED';
    return [
      {
        figure: `import ${rowCount} rows, median of ${runs} (1 create + ${runs - 1} update)`,
        ours: oursSeconds,
        ceiling: ceilingSeconds,
        unit: 's',
        ratio: ceilingSeconds / oursSeconds,
        target: `< ${targetSeconds} s: ${met}`,
        note: `ours is the whole request (auth, decode, parse, validate, scope, write), dry run alone ${drySeconds.toFixed(3)} s`,
      },
      {
        figure: `import throughput (${rowCount} rows)`,
        ours: rowCount / oursSeconds,
        ceiling: rowCount / ceilingSeconds,
        unit: 'rows/s',
        ratio: ceilingSeconds / oursSeconds,
        note: `ceiling: bare INSERT … ON CONFLICT DO UPDATE of the same persons through pg, ${chunkSize} rows per statement, into a copy of the persons table; `
          + `faster form was ${ceilingForm} (medians: VALUES ${median(bare.values).toFixed(3)} s, unnest ${median(bare.unnest).toFixed(3)} s)`,
      },
      {
        figure: `import ${rowCount} new rows (first run)`,
        ours: ours[0]!,
        ceiling: ceiling[0]!,
        unit: 's',
        ratio: ceiling[0]! / ours[0]!,
        note: `also creates ${householdCount} households; the ceiling inserts persons only`,
      },
    ];
  });
}
