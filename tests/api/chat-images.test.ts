// Chat images: jpeg/png/webp up to 5 MB, recognised by their bytes, stored behind the image store, served to members only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { buildings, chatImages } from '@linli/server/db/schema/index';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
let building1: string;
const dataDir = mkdtempSync(join(tmpdir(), 'linli-images-'));

beforeAll(async () => {
  t = await createTestApp({ env: { DATA_DIR: dataDir } });
  const [b] = await t.db.select().from(buildings).where(eq(buildings.name, '1号楼'));
  building1 = b!.id;
});
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 1)]);
const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(100, 2)]);

function multipart(file: Buffer, filename = 'photo.png', contentType = 'image/png') {
  const boundary = '----linli-test-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(phone: string, groupId: string, file: Buffer, filename?: string, contentType?: string) {
  return t.call((await t.login(phone)).token, { method: 'POST', url: `/api/v1/chats/${groupId}/images`, ...multipart(file, filename, contentType) });
}
const imageCount = async () => Number((await t.db.select({ n: sql<number>`count(*)::int` }).from(chatImages))[0]!.n);

it.each([['png', png, 'image/png'], ['jpeg', jpeg, 'image/jpeg'], ['webp', webp, 'image/webp']] as const)(
  'accepts a %s, posts it as an image message, and serves it to members only',
  async (_name, bytes, type) => {
    const uploaded = await upload('13801110100', building1, bytes, 'x.bin', 'application/octet-stream');
    expect(uploaded.statusCode).toBe(201);
    expect(uploaded.json()).toMatchObject({ contentType: type, size: bytes.length });
    const imageId = uploaded.json().id;
    const message = await t.call((await t.login('13801110100')).token, {
      method: 'POST', url: `/api/v1/chats/${building1}/messages`, payload: { clientId: `img-${type.replace('/', '-')}`, kind: 'image', imageId },
    });
    expect(message.statusCode).toBe(201);
    expect(message.json()).toMatchObject({ kind: 'image', imageId });
    const neighbour = await t.call((await t.login('13801110200')).token, { url: `/api/v1/chats/${building1}/images/${imageId}` });
    expect(neighbour.statusCode).toBe(200);
    expect(neighbour.headers['content-type']).toBe(type);
    expect(neighbour.rawPayload.equals(bytes)).toBe(true);
    for (const outsider of ['13804110100', '13900000002', '13900000031']) {
      const res = await t.call((await t.login(outsider)).token, { url: `/api/v1/chats/${building1}/images/${imageId}` });
      expect(res.statusCode).toBe(404);
    }
  },
);

it.each([
  ['a file that only claims to be an image', Buffer.from('<?php echo 1; ?>'), 'evil.png', 'image/png', 415],
  ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00'), 'a.gif', 'image/gif', 415],
  ['an image over 5 MB', Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024, 0)]), 'big.png', 'image/png', 413],
])('refuses %s, storing nothing', async (_name, bytes, filename, type, status) => {
  const before = await imageCount();
  const res = await upload('13801110100', building1, bytes, filename, type);
  expect(res.statusCode).toBe(status);
  expect(res.json().error.code).toBeTruthy();
  expect(await imageCount()).toBe(before);
});

it('accepts a photo of 4.5 MB (the 1 MB JSON body limit does not apply to images)', async () => {
  const photo = Buffer.concat([jpeg, Buffer.alloc(4.5 * 1024 * 1024, 3)]);
  const res = await upload('13801110200', building1, photo, 'big.jpg', 'image/jpeg');
  expect(res.statusCode).toBe(201);
  expect(res.json().size).toBe(photo.length);
});

it('refuses an upload that is not multipart, and uploads into a group of another building', async () => {
  const { token } = await t.login('13801110100');
  const raw = await t.call(token, { method: 'POST', url: `/api/v1/chats/${building1}/images`, payload: png, headers: { 'content-type': 'image/png' } });
  expect(raw.statusCode).toBe(415);
  const [b4] = await t.db.select().from(buildings).where(eq(buildings.name, '4号楼'));
  expect((await upload('13801110100', b4!.id, png)).statusCode).toBe(404);
});

it.each([
  ['no boundary', 'multipart/form-data', 'garbage'],
  ['a boundary the body never uses', 'multipart/form-data; boundary=xyz', 'garbage'],
  ['a body cut off inside the file', 'multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG'],
  ['a part without its headers', 'multipart/form-data; boundary=xyz', '--xyz\r\nthis is no header\r\n\r\nbytes\r\n--xyz--\r\n'],
])('refuses a malformed multipart body (%s) with 400, storing nothing', async (_name, contentType, payload) => {
  const before = await imageCount();
  const res = await t.call((await t.login('13801110100')).token, {
    method: 'POST', url: `/api/v1/chats/${building1}/images`, headers: { 'content-type': contentType }, payload,
  });
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.statusCode).toBeLessThan(500);
  expect(res.json().error.code).toMatch(/^(MALFORMED_MULTIPART|VALIDATION_FAILED)$/);
  expect(await imageCount()).toBe(before);
});

it('stops serving an image once its message is recalled', async () => {
  const { token } = await t.login('13801130200');
  const imageId = (await upload('13801130200', building1, png)).json().id;
  const message = (await t.call(token, { method: 'POST', url: `/api/v1/chats/${building1}/messages`, payload: { clientId: 'img-recall', kind: 'image', imageId } })).json();
  await t.call(token, { method: 'DELETE', url: `/api/v1/chats/${building1}/messages/${message.id}` });
  expect((await t.call(token, { url: `/api/v1/chats/${building1}/images/${imageId}` })).statusCode).toBe(404);
});

it('does not let a member post an image someone else uploaded', async () => {
  const imageId = (await upload('13801110100', building1, png)).json().id;
  const res = await t.call((await t.login('13801110200')).token, {
    method: 'POST', url: `/api/v1/chats/${building1}/messages`, payload: { clientId: 'steal', kind: 'image', imageId },
  });
  expect(res.statusCode).toBe(400);
});

it('refuses a form with more parts than an image upload has, saying so, storing nothing', async () => {
  const boundary = 'xyz';
  const field = (name: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\nv\r\n`;
  const payload = Buffer.concat([
    Buffer.from(['a', 'b', 'c', 'd', 'e', 'f'].map(field).join('')),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const before = await imageCount();
  const res = await t.call((await t.login('13801110100')).token, {
    method: 'POST', url: `/api/v1/chats/${building1}/images`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload,
  });
  expect(res.statusCode).toBe(413);
  expect(res.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { reason: 'FST_FIELDS_LIMIT' } });
  expect(res.json().error.message).toContain('一张图片');
  expect(await imageCount()).toBe(before);
});
