// WeChat subscribe messages (订阅消息) for notices. Dev: a log line. Real: access token + message/subscribe/send
// against WECHAT_API_BASE (a fake server on 127.0.0.1 in tests).

export interface SubscribeMessage {
  openid: string | null;
  title: string;
  priority: string;
  page: string;
}

export interface WechatSubscribeSender {
  readonly kind: 'dev' | 'real';
  send(message: SubscribeMessage): Promise<void>;
}

export function devSubscribeSender(log: { info: (obj: unknown, msg: string) => void }): WechatSubscribeSender {
  return {
    kind: 'dev',
    async send(message) {
      log.info({ wechatSubscribe: message }, 'WeChat subscribe message (dev: not sent)');
    },
  };
}

export function realSubscribeSender(options: { appId: string; secret: string; apiBase: string; templateId: string; timeoutMs?: number }): WechatSubscribeSender {
  let token: { value: string; expiresAt: number } | null = null;
  const timeout = () => AbortSignal.timeout(options.timeoutMs ?? 5000);

  async function accessToken(): Promise<string> {
    if (token && token.expiresAt > Date.now()) return token.value;
    const url = new URL('/cgi-bin/token', options.apiBase);
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: options.appId, secret: options.secret }).toString();
    const response = await fetch(url, { signal: timeout() });
    const body = (await response.json().catch(() => null)) as { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string } | null;
    if (!response.ok || !body?.access_token) throw new Error(`WeChat token refused: ${body?.errcode ?? response.status} ${body?.errmsg ?? ''}`.trim());
    token = { value: body.access_token, expiresAt: Date.now() + Math.max(60, (body.expires_in ?? 7200) - 300) * 1000 };
    return token.value;
  }

  return {
    kind: 'real',
    async send(message) {
      if (!message.openid) throw new Error('NO_OPENID: the account never logged in through WeChat');
      const url = new URL('/cgi-bin/message/subscribe/send', options.apiBase);
      url.search = new URLSearchParams({ access_token: await accessToken() }).toString();
      const response = await fetch(url, {
        method: 'POST',
        signal: timeout(),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          touser: message.openid,
          template_id: options.templateId,
          page: message.page,
          data: { thing1: { value: message.title.slice(0, 20) }, phrase2: { value: message.priority === 'urgent' ? '紧急' : '普通' } },
        }),
      });
      const body = (await response.json().catch(() => null)) as { errcode?: number; errmsg?: string } | null;
      if (!response.ok || !body || (body.errcode ?? 0) !== 0) {
        if (body?.errcode === 40001 || body?.errcode === 42001) token = null;
        throw new Error(`WeChat subscribe send refused: ${body?.errcode ?? response.status} ${body?.errmsg ?? ''}`.trim());
      }
    },
  };
}
