// The api client's promises about sessions: one shared refresh, one retry, and a clean log-out when renewal fails.
import Taro from '@tarojs/taro';
import { BuildingList, MeResponse } from '@linli/shared';
import { api, request } from './api';
import { readTokens, saveTokens } from './storage';

jest.mock('./platform', () => ({ apiBase: '', isH5: true, isWeapp: false }));
jest.mock('@tarojs/taro', () => {
  const storage = new Map<string, unknown>();
  return {
    __esModule: true,
    default: {
      request: jest.fn(),
      getStorageSync: (key: string) => storage.get(key) ?? '',
      setStorageSync: (key: string, value: unknown) => storage.set(key, value),
      removeStorageSync: (key: string) => storage.delete(key),
      reLaunch: jest.fn(() => Promise.resolve()),
      getCurrentPages: () => [{ route: 'pages/common/me/index' }],
    },
  };
});

type Call = { url: string; method: string; header: Record<string, string>; data?: unknown };
const taroRequest = Taro.request as unknown as jest.Mock;
const reLaunch = Taro.reLaunch as unknown as jest.Mock;

const me = {
  user: { id: '6f1c1c1e-1d7e-4c38-9a57-3f0e3c2b9a11', displayName: '张阿姨', phone: '13801110100', hasWechat: false },
  roles: [{ role: 'resident', communityId: '0b6c1f7e-4f3c-4d8a-9a2e-1c2d3e4f5a6b', gridId: null }],
  households: [],
};
const expired = { statusCode: 401, data: { error: { code: 'TOKEN_EXPIRED', message: '登录已过期' } } };
const pair = (n: number) => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-token-number-${n}-long-enough`,
  accessTokenExpiresIn: 900,
  user: me.user,
});

/** A fake server: /auth/refresh answers with `refreshAnswer`; other paths accept only `validToken`. */
function serve(validToken: string, refreshAnswer: () => { statusCode: number; data: unknown }) {
  taroRequest.mockImplementation(async (call: Call) => {
    await new Promise((r) => setTimeout(r, 5)); // let concurrent callers overlap
    if (call.url === '/api/v1/auth/refresh') return refreshAnswer();
    return call.header.Authorization === `Bearer ${validToken}` ? { statusCode: 200, data: me } : expired;
  });
}

const refreshCalls = () => taroRequest.mock.calls.filter(([c]: [Call]) => c.url === '/api/v1/auth/refresh').length;

beforeEach(() => {
  taroRequest.mockReset();
  reLaunch.mockClear();
  saveTokens({ accessToken: 'access-1', refreshToken: pair(1).refreshToken });
});

it('renews an expired token once for concurrent calls and retries each of them', async () => {
  serve('access-2', () => ({ statusCode: 200, data: pair(2) }));

  const results = await Promise.all([1, 2, 3].map(() => request('/api/v1/me', { schema: MeResponse })));

  expect(results.map((r) => r.user.displayName)).toEqual(['张阿姨', '张阿姨', '张阿姨']);
  expect(refreshCalls()).toBe(1);
  expect(readTokens()).toEqual({ accessToken: 'access-2', refreshToken: pair(2).refreshToken });
});

it('ends the session and opens the log-in page when the refresh is refused', async () => {
  serve('access-2', () => ({ statusCode: 401, data: { error: { code: 'REFRESH_TOKEN_INVALID', message: '请重新登录' } } }));

  await expect(request('/api/v1/me', { schema: MeResponse })).rejects.toMatchObject({ code: 'SESSION_ENDED' });
  expect(readTokens()).toBeNull();
  expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/common/login/index' });
});

it("rejects with the server's code and Chinese message", async () => {
  taroRequest.mockResolvedValue({ statusCode: 409, data: { error: { code: 'ALREADY_BOUND', message: '已经绑定过这户' } } });

  await expect(request('/api/v1/household-bindings', { method: 'POST', body: {}, schema: MeResponse })).rejects.toMatchObject({
    code: 'ALREADY_BOUND',
    message: '已经绑定过这户',
    status: 409,
  });
});

it('refuses a response that does not match its schema', async () => {
  taroRequest.mockResolvedValue({ statusCode: 200, data: { user: { id: 'not-a-uuid' } } });
  jest.spyOn(console, 'error').mockImplementation(() => {});

  await expect(request('/api/v1/me', { schema: MeResponse })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
});

it('follows every page of a list to its end, passing each cursor on', async () => {
  const building = (n: number) => ({
    id: `6f1c1c1e-1d7e-4c38-9a57-3f0e3c2b9a${String(n).padStart(2, '0')}`,
    communityId: me.roles[0]!.communityId,
    gridId: me.roles[0]!.communityId,
    name: `${n}号楼`,
    gridName: '第一网格',
    householdCount: 1,
  });
  const pages: Record<string, { items: unknown[]; nextCursor: string | null }> = {
    '': { items: [building(1), building(2)], nextCursor: 'c2' },
    c2: { items: [building(3)], nextCursor: 'c3' },
    c3: { items: [building(4)], nextCursor: null },
  };
  taroRequest.mockImplementation(async (call: Call) => {
    const cursor = new URL(call.url, 'http://x').searchParams.get('cursor') ?? '';
    return { statusCode: 200, data: pages[cursor] };
  });

  const all = await api.getAllPages('/api/v1/buildings', BuildingList);

  expect(all.items.map((b) => b.name)).toEqual(['1号楼', '2号楼', '3号楼', '4号楼']);
  expect(all.nextCursor).toBeNull();
  expect(taroRequest.mock.calls.map(([c]: [Call]) => c.url)).toEqual([
    '/api/v1/buildings?limit=100',
    '/api/v1/buildings?limit=100&cursor=c2',
    '/api/v1/buildings?limit=100&cursor=c3',
  ]);
});
