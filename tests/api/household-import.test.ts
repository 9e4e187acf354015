// POST /households/import: a grid office's CSV roll becomes households and persons, all or nothing, within the caller's grids.
import iconv from 'iconv-lite';
import { sql } from 'drizzle-orm';
import { importColumns } from '@linli/shared';
import { selectRows } from '@linli/server/db/client';
import { createTestApp, type TestApp } from '../support/app';

const phones = {
  admin: '13900000000',
  gridWorker1: '13900000001',
  gridWorker2: '13900000002',
  volunteer: '13900000031',
  resident: '13801110100',
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const header = importColumns.join(',');
/** A CSV file as Excel writes it: header, rows, CRLF after every line. */
const csv = (...rows: string[]) => `${[header, ...rows].join('\r\n')}\r\n`;

async function upload(phone: string | null, body: string | Buffer, options: { query?: string; contentType?: string } = {}) {
  const token = phone ? (await t.login(phone)).token : null;
  return t.call(token, {
    method: 'POST',
    url: `/api/v1/households/import${options.query ?? ''}`,
    headers: { 'content-type': options.contentType ?? 'text/csv' },
    payload: body,
  });
}

async function totals() {
  const [row] = await selectRows<{ households: number; persons: number }>(
    t.db,
    sql`SELECT (SELECT count(*)::int FROM households) AS households, (SELECT count(*)::int FROM persons) AS persons`,
  );
  return row!;
}

interface PersonRow {
  name: string;
  relation: string;
  birth_year: number | null;
  is_renter: boolean;
  care_tags: string[];
  phone: string | null;
}

async function personsOf(building: string, unit: string, room: string) {
  return selectRows<PersonRow>(
    t.db,
    sql`SELECT p.name, p.relation, p.birth_year, p.is_renter, p.care_tags, p.phone
        FROM persons p JOIN households h ON h.id = p.household_id JOIN buildings b ON b.id = h.building_id
        WHERE b.name = ${building} AND h.unit = ${unit} AND h.room = ${room}
        ORDER BY p.name`,
  );
}

async function householdCount(building: string, unit: string, room: string) {
  const [row] = await selectRows<{ n: number }>(
    t.db,
    sql`SELECT count(*)::int AS n FROM households h JOIN buildings b ON b.id = h.building_id
        WHERE b.name = ${building} AND h.unit = ${unit} AND h.room = ${room}`,
  );
  return row!.n;
}

describe('encodings', () => {
  it('imports a UTF-8 file without BOM, creating households and persons with every column', async () => {
    const before = await totals();
    const res = await upload(phones.admin, csv(
      '1号楼,3,101,欧阳建国,户主,1948,否,独居老人;慢病需药,13812345678',
      '1号楼,3,102,司马丽华,户主,1980,否,,',
      '1号楼,3,102,司马小宝,子女,2023,否,婴幼儿,',
      '1号楼,3,102,诸葛租,租户,1995,是,孕妇,13987654321',
    ));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ created: 4, updated: 0, households: 2, persons: 4, errors: [] });
    expect(await totals()).toEqual({ households: before.households + 2, persons: before.persons + 4 });
    expect(await personsOf('1号楼', '3', '101')).toEqual([
      { name: '欧阳建国', relation: 'owner', birth_year: 1948, is_renter: false, care_tags: ['elderly_alone', 'chronic_medication'], phone: '13812345678' },
    ]);
    expect(await personsOf('1号楼', '3', '102')).toEqual([
      { name: '司马丽华', relation: 'owner', birth_year: 1980, is_renter: false, care_tags: [], phone: null },
      { name: '司马小宝', relation: 'child', birth_year: 2023, is_renter: false, care_tags: ['infant'], phone: null },
      { name: '诸葛租', relation: 'renter', birth_year: 1995, is_renter: true, care_tags: ['pregnant'], phone: '13987654321' },
    ]);
  });

  it('imports a UTF-8 file with a byte-order mark (Excel "CSV UTF-8") and keeps the first header intact', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv('2号楼,3,201,上官婉儿,户主,1990,否,,'), 'utf8')]);
    const res = await upload(phones.admin, body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, updated: 0, households: 1, persons: 1 });
    expect((await personsOf('2号楼', '3', '201')).map((p) => p.name)).toEqual(['上官婉儿']);
  });

  it('imports a GBK file (Excel "CSV (逗号分隔)" on Chinese Windows) with Chinese names intact', async () => {
    const body = iconv.encode(csv('3号楼,3,301,慕容复,户主,1970,否,残障,', '3号楼,3,301,王语嫣,配偶,1972,否,,'), 'gbk');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(body)).toThrow(); // really not UTF-8
    const res = await upload(phones.admin, body, { contentType: 'application/vnd.ms-excel' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: 2, households: 1, persons: 2 });
    expect(await personsOf('3号楼', '3', '301')).toEqual([
      expect.objectContaining({ name: '慕容复', care_tags: ['disabled'] }),
      expect.objectContaining({ name: '王语嫣', relation: 'spouse' }),
    ]);
  });

  it('accepts application/octet-stream and LF-only or CR-only line endings', async () => {
    const lf = `${header}\n4号楼,3,401,东方不败,户主,1960,否,,\n`;
    const cr = `${header}\r4号楼,3,402,西门吹雪,户主,1961,否,,\r`;
    expect((await upload(phones.admin, lf, { contentType: 'application/octet-stream' })).json()).toMatchObject({ created: 1 });
    expect((await upload(phones.admin, cr)).json()).toMatchObject({ created: 1 });
    expect((await personsOf('4号楼', '3', '402')).map((p) => p.name)).toEqual(['西门吹雪']);
  });
});

describe('re-import', () => {
  it('updates the persons it finds (by household and name) instead of duplicating them', async () => {
    const first = csv('5号楼,3,501,令狐冲,户主,1985,否,,13811112222', '5号楼,3,501,任盈盈,配偶,1987,否,,');
    expect((await upload(phones.admin, first)).json()).toEqual({ created: 2, updated: 0, households: 1, persons: 2, errors: [] });
    const before = await totals();

    const second = csv('5号楼,3,501,令狐冲,户主,1985,否,慢病需药,13833334444', '5号楼,3,501,任盈盈,配偶,1987,否,,', '5号楼,3,501,令狐小妹,子女,2020,否,,');
    const res = await upload(phones.admin, second);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ created: 1, updated: 2, households: 1, persons: 3, errors: [] });
    expect(await totals()).toEqual({ households: before.households, persons: before.persons + 1 });
    expect(await householdCount('5号楼', '3', '501')).toBe(1);
    expect(await personsOf('5号楼', '3', '501')).toEqual([
      expect.objectContaining({ name: '令狐冲', care_tags: ['chronic_medication'], phone: '13833334444' }),
      expect.objectContaining({ name: '令狐小妹' }),
      expect.objectContaining({ name: '任盈盈' }),
    ]);
  });

  it('updates a person of a seeded household, and "1单元" / "１０１室" name the same room as 1 / 101', async () => {
    const [seeded] = await personsOf('1号楼', '1', '101');
    expect(seeded).toBeDefined();
    const before = await totals();
    const res = await upload(phones.admin, csv(`1号楼,1单元,１０１室,${seeded!.name},户主,1950,否,独居老人,`));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ created: 0, updated: 1, households: 1, persons: 1, errors: [] });
    expect(await totals()).toEqual(before);
    expect((await personsOf('1号楼', '1', '101')).find((p) => p.name === seeded!.name)).toMatchObject({ birth_year: 1950, care_tags: ['elderly_alone'] });
  });

  it('dryRun=true reports what would be created and updated and writes nothing', async () => {
    const before = await totals();
    const res = await upload(phones.admin, csv('5号楼,3,501,令狐冲,户主,1985,否,,', '5号楼,3,502,岳灵珊,户主,1988,否,,'), { query: '?dryRun=true' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ created: 1, updated: 1, households: 2, persons: 2, errors: [] });
    expect(await totals()).toEqual(before);
    expect(await householdCount('5号楼', '3', '502')).toBe(0);
    expect((await personsOf('5号楼', '3', '501')).find((p) => p.name === '令狐冲')).toMatchObject({ care_tags: ['chronic_medication'] });
  });
});

describe('audit', () => {
  const importEntries = () => selectRows<{ actor_id: string; subject_type: string; details: Record<string, number> }>(
    t.db,
    sql`SELECT actor_id, subject_type, details FROM audit_log WHERE action = 'households.import' ORDER BY created_at`,
  );

  it('logs each import that wrote persons (who, how many), not a dry run or a refused file', async () => {
    const before = (await importEntries()).length;
    const file = csv('2号楼,2,901,东方不败,户主,1970,否,,13855556666', '2号楼,2,901,杨莲亭,配偶,1972,否,,');
    expect((await upload(phones.gridWorker1, file, { query: '?dryRun=true' })).statusCode).toBe(200);
    expect((await upload(phones.gridWorker1, csv('2号楼,2,902,无名,表哥,1970,否,,'))).statusCode).toBe(400);
    expect(await importEntries()).toHaveLength(before);

    expect((await upload(phones.gridWorker1, file)).statusCode).toBe(200);
    const entries = await importEntries();
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toEqual({
      actor_id: (await t.login(phones.gridWorker1)).userId,
      subject_type: 'community',
      details: { persons: 2, created: 2, updated: 0, households: 1 },
    });
  });
});

describe('bad rows', () => {
  it('reports every bad line with its reason and writes nothing, not even the good rows', async () => {
    const before = await totals();
    const res = await upload(phones.admin, csv(
      '6号楼,3,601,好人甲,户主,1980,否,,', //              line 2: good
      '6号楼,3,601,好人乙,表哥,1980,否,,', //              line 3: unknown relation
      '6号楼,3,602,,户主,1980,否,,', //                    line 4: empty name
      '6号楼,3,602,张三,户主,1850,否,,', //               line 5: birth year out of range
      '6号楼,3,603,李四,户主,1980,也许,,', //             line 6: renter not yes/no
      '6号楼,3,603,王五,户主,1980,否,,1380000', //        line 7: short phone
      '7号楼,1,101,赵六,户主,1980,否,,', //               line 8: no such building
      '6号楼,3,604,钱七,户主,1980,否,发烧,', //           line 9: unknown care tag
      '6号楼,3,601,好人甲,配偶,1981,否,,', //             line 10: same person as line 2
      '6号楼,3,605,孙八,户主,1980,否', //                  line 11: too few columns
      '6号楼,3,606,周九,户主,19x0,是,婴幼儿,12345', //     line 12: two problems on one line
    ));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('IMPORT_INVALID');
    expect(body.error.message).toBe('导入文件有 10 行错误，未写入任何数据');
    const errors: { line: number; message: string }[] = body.error.details.errors;
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const reason = (line: number) => errors.find((e) => e.line === line)!.message;
    expect(reason(3)).toContain('关系“表哥”不认识');
    expect(reason(4)).toContain('姓名不能为空');
    expect(reason(5)).toContain('出生年份“1850”');
    expect(reason(6)).toContain('租户“也许”应为 是 或 否');
    expect(reason(7)).toContain('手机号“1380000”');
    expect(reason(8)).toBe('楼栋“7号楼”不存在或不在您负责的网格');
    expect(reason(9)).toContain('关怀标签“发烧”不认识');
    expect(reason(10)).toContain('与第 2 行重复');
    expect(reason(11)).toContain('应有 9 列，实际 7 列');
    expect(reason(12)).toContain('出生年份“19x0”');
    expect(reason(12)).toContain('手机号“12345”');
    expect(await totals()).toEqual(before);
    expect(await householdCount('6号楼', '3', '601')).toBe(0);
  });

  it('lets a grid worker import only buildings of their own grids: a row of another grid fails the whole file', async () => {
    const before = await totals();
    const res = await upload(phones.gridWorker1, csv('1号楼,4,101,网格一甲,户主,1980,否,,', '4号楼,4,101,网格二乙,户主,1980,否,,'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.errors).toEqual([{ line: 3, message: '楼栋“4号楼”不存在或不在您负责的网格' }]);
    expect(await totals()).toEqual(before);
    expect(await householdCount('1号楼', '4', '101')).toBe(0);

    const own = await upload(phones.gridWorker1, csv('1号楼,4,101,网格一甲,户主,1980,否,,'));
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ created: 1 });
    const other = await upload(phones.gridWorker2, csv('1号楼,4,101,网格一甲,户主,1980,否,,'));
    expect(other.statusCode).toBe(400);
    expect(other.json().error.details.errors[0].message).toContain('1号楼');
  });

  it('refuses residents and volunteers (403) and anonymous callers (401), writing nothing', async () => {
    const before = await totals();
    const file = csv('1号楼,1,101,冒名顶替,户主,1980,否,,');
    for (const phone of [phones.resident, phones.volunteer]) {
      const res = await upload(phone, file);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect((await upload(null, file)).statusCode).toBe(401);
    expect(await totals()).toEqual(before);
  });
});

describe('malformed files', () => {
  it('rejects an unterminated quote, naming the line where it opened', async () => {
    const res = await upload(phones.admin, csv('1号楼,5,101,正常,户主,1980,否,,', '1号楼,5,102,"没有闭合,户主,1980,否,,', '1号楼,5,103,后面,户主,1980,否,,'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'IMPORT_INVALID', details: { errors: [{ line: 3, message: expect.stringContaining('引号没有闭合') }] } });
    expect(await householdCount('1号楼', '5', '101')).toBe(0);
  });

  it('rejects text after a closing quote', async () => {
    const res = await upload(phones.admin, csv('1号楼,5,101,"张"三,户主,1980,否,,'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.errors[0]).toMatchObject({ line: 2, message: expect.stringContaining('引号') });
  });

  it('rejects a file whose first line is not the header, or whose header misses or adds a column', async () => {
    const noHeader = await upload(phones.admin, '1号楼,5,101,张三,户主,1980,否,,\r\n');
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().error).toMatchObject({ code: 'IMPORT_INVALID', details: { errors: [{ line: 1, message: expect.stringContaining('缺少列') }] } });

    const missing = await upload(phones.admin, `${importColumns.filter((c) => c !== '手机号').join(',')}\r\n1号楼,5,101,张三,户主,1980,否,\r\n`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.errors[0].message).toBe('表头不对：缺少列：手机号');

    const extra = await upload(phones.admin, `${header},备注\r\n1号楼,5,101,张三,户主,1980,否,,,无\r\n`);
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.details.errors[0].message).toBe('表头不对：多余的列：备注');
    expect(await householdCount('1号楼', '5', '101')).toBe(0);
  });

  it('takes the columns in any order', async () => {
    const columns = [...importColumns].reverse();
    const res = await upload(phones.admin, `${columns.join(',')}\r\n,,否,1980,户主,倒序,101,5,1号楼\r\n`);
    expect(res.statusCode).toBe(200);
    expect((await personsOf('1号楼', '5', '101')).map((p) => p.name)).toEqual(['倒序']);
  });

  it('rejects an empty body, a BOM alone and a header without rows (400)', async () => {
    for (const body of [Buffer.alloc(0), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${header}\r\n\r\n`, 'utf8')]) {
      const res = await upload(phones.admin, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('IMPORT_INVALID');
    }
    const none = await t.call((await t.login(phones.admin)).token, { method: 'POST', url: '/api/v1/households/import' });
    expect(none.statusCode).toBe(400);
  });

  it('accepts a roll bigger than the 1 MB other routes take, up to 5 MB (413 beyond)', async () => {
    const padding = ',,,,,,,,\r\n'.repeat(200_000); // 2 MB of the empty rows Excel leaves behind
    const big = await upload(phones.admin, `${csv('2号楼,5,201,大文件,户主,1980,否,,')}${padding}`, { query: '?dryRun=true' });
    expect(big.statusCode).toBe(200);
    expect(big.json()).toMatchObject({ created: 1, persons: 1 });
    const tooBig = await upload(phones.admin, `${csv('2号楼,5,201,大文件,户主,1980,否,,')}${padding.repeat(3)}`);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大（上限 5 MB）', details: { limitBytes: 5 * 1024 * 1024 } });
  });

  it('rejects an Excel workbook with a hint, and JSON with 415', async () => {
    const xlsx = await upload(phones.admin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), { contentType: 'application/octet-stream' });
    expect(xlsx.statusCode).toBe(400);
    expect(xlsx.json().error.details.errors[0].message).toContain('另存为');
    const json = await t.call((await t.login(phones.admin)).token, { method: 'POST', url: '/api/v1/households/import', payload: { rows: [] } });
    expect(json.statusCode).toBe(415);
  });

  it('reads quoted fields holding commas, quotes and line breaks, and counts lines across them', async () => {
    const res = await upload(phones.admin, csv(
      '1号楼,6,101,"李""老""四",户主,1950,否,"独居老人,慢病需药",', // line 2
      '1号楼,6,101,李小五,子女,1980,否,"孕妇', //                      line 3…
      '婴幼儿",', //                                                   …line 4
      '1号楼,6,101,李小六,子女,1870,否,,', //                          line 5: bad
    ));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.errors).toEqual([{ line: 5, message: expect.stringContaining('出生年份') }]);

    const ok = await upload(phones.admin, csv(
      '1号楼,6,101,"李""老""四",户主,1950,否,"独居老人,慢病需药",',
      '1号楼,6,101,李小五,子女,1980,否,"孕妇',
      '婴幼儿",',
    ));
    expect(ok.statusCode).toBe(200);
    expect(await personsOf('1号楼', '6', '101')).toEqual([
      expect.objectContaining({ name: '李"老"四', care_tags: ['elderly_alone', 'chronic_medication'] }),
      expect.objectContaining({ name: '李小五', care_tags: ['pregnant', 'infant'] }),
    ]);
  });
});

describe('template', () => {
  it('downloads a UTF-8 CSV with BOM, the headers and a Chinese file name; it imports as it is', async () => {
    const { token } = await t.login(phones.admin);
    const res = await t.call(token, { url: '/api/v1/households/import/template.csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('住户导入模板.csv')}`);
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.rawPayload.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe(header);

    const dry = await upload(phones.admin, res.rawPayload, { query: '?dryRun=true' });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ persons: 3, households: 2 });
  });

  it('is for staff only', async () => {
    const { token } = await t.login(phones.resident);
    const res = await t.call(token, { url: '/api/v1/households/import/template.csv' });
    expect(res.statusCode).toBe(403);
  });
});

describe('staff of several communities', () => {
  it('must name the community with ?communityId=, and may only name one they staff', async () => {
    const { userId } = await t.login(phones.admin);
    const [community] = await selectRows<{ id: string }>(t.db, sql`INSERT INTO communities (name) VALUES ('月亮社区') RETURNING id`);
    const [sunshine] = await selectRows<{ id: string }>(t.db, sql`SELECT id FROM communities WHERE name = '阳光社区'`);
    const file = csv('2号楼,6,201,多社区,户主,1980,否,,');

    const stranger = await upload(phones.admin, file, { query: `?communityId=${community!.id}` });
    expect(stranger.statusCode).toBe(403);

    await t.db.execute(sql`INSERT INTO role_assignments (user_id, role, community_id) VALUES (${userId}, 'admin', ${community!.id})`);
    const unnamed = await upload(phones.admin, file);
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.json().error.message).toContain('communityId');

    const wrong = await upload(phones.admin, file, { query: `?communityId=${community!.id}` });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.errors[0].message).toBe('楼栋“2号楼”不存在或不在您负责的网格');

    const named = await upload(phones.admin, file, { query: `?communityId=${sunshine!.id}` });
    expect(named.statusCode).toBe(200);
    expect(named.json()).toMatchObject({ created: 1 });

    expect((await upload(phones.admin, file, { query: '?communityId=not-a-uuid' })).statusCode).toBe(400);
  });
});
