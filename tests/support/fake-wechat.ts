// A stand-in for api.weixin.qq.com on 127.0.0.1: answers GET /sns/jscode2session the way WeChat does, and records every call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeWechatSession {
  openid: string;
  session_key: string;
  unionid?: string;
}

export interface RecordedCall {
  path: string;
  query: Record<string, string>;
}

export type FakeWechatMode = 'normal' | 'error500' | 'hang' | 'not-json' | 'busy';

export interface FakeWechat {
  /** Base URL to give the server as WECHAT_API_BASE. */
  url: string;
  appId: string;
  secret: string;
  calls: RecordedCall[];
  /** Bodies of POST /cgi-bin/message/subscribe/send (subscribe messages), in arrival order. */
  subscribeMessages: Record<string, unknown>[];
  /** Makes `code` a valid wx.login code for `session`. */
  addCode(code: string, session: FakeWechatSession): void;
  /** normal: answer like WeChat; error500: HTTP 500; hang: never answer; not-json: 200 with an HTML page; busy: errcode -1. */
  setMode(mode: FakeWechatMode): void;
  close(): Promise<void>;
}

// WeChat answers these with HTTP 200 and a JSON body; the content type is text/plain, as the real API sends it.
const invalidCode = { errcode: 40029, errmsg: 'invalid code' };
const invalidAppId = { errcode: 40013, errmsg: 'invalid appid' };
const invalidSecret = { errcode: 40125, errmsg: 'invalid appsecret' };

export async function startFakeWechat(options: { appId?: string; secret?: string } = {}): Promise<FakeWechat> {
  const appId = options.appId ?? 'wxtest';
  const secret = options.secret ?? 'secret';
  const codes = new Map<string, FakeWechatSession>();
  const calls: RecordedCall[] = [];
  const subscribeMessages: Record<string, unknown>[] = [];
  const sockets = new Set<Socket>();
  let mode: FakeWechatMode = 'normal';

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    calls.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
    if (mode === 'hang') return; // the socket is destroyed by close()
    if (mode === 'error500') return answer(res, 500, 'internal error');
    if (mode === 'not-json') return answer(res, 200, '<html>gateway</html>');
    if (mode === 'busy') return answer(res, 200, { errcode: -1, errmsg: 'system error' });
    if (req.method === 'GET' && url.pathname === '/cgi-bin/token') {
      const q = url.searchParams;
      if (q.get('appid') !== appId) return answer(res, 200, invalidAppId);
      if (q.get('secret') !== secret) return answer(res, 200, invalidSecret);
      return answer(res, 200, { access_token: 'fake-access-token', expires_in: 7200 });
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/subscribe/send') {
      if (url.searchParams.get('access_token') !== 'fake-access-token') return answer(res, 200, { errcode: 40001, errmsg: 'invalid credential' });
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          subscribeMessages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          answer(res, 200, { errcode: 0, errmsg: 'ok' });
        } catch {
          answer(res, 200, { errcode: 47001, errmsg: 'data format error' });
        }
      });
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/sns/jscode2session') return answer(res, 404, 'not found');
    const q = url.searchParams;
    if (q.get('grant_type') !== 'authorization_code') return answer(res, 200, { errcode: 40002, errmsg: 'invalid grant_type' });
    if (q.get('appid') !== appId) return answer(res, 200, invalidAppId);
    if (q.get('secret') !== secret) return answer(res, 200, invalidSecret);
    const session = codes.get(q.get('js_code') ?? '');
    if (!session) return answer(res, 200, invalidCode);
    return answer(res, 200, session);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    appId,
    secret,
    calls,
    subscribeMessages,
    addCode: (code, session) => void codes.set(code, session),
    setMode: (next) => {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
