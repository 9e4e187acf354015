// WeChat log-in (wx.login code → code2session). The session_key stays on the server; clients never see it.
import { createHash } from 'node:crypto';

export interface WechatSession {
  openid: string;
  sessionKey: string;
  unionid?: string;
}

export interface WechatLogin {
  readonly kind: 'dev' | 'real';
  code2session(code: string): Promise<WechatSession>;
}

export class WechatLoginError extends Error {
  constructor(message: string, readonly wechatErrcode?: number) {
    super(message);
  }
}

/** Development stand-in: the same code always maps to the same openid, so a simulator log-in is repeatable. */
export function devWechatLogin(): WechatLogin {
  return {
    kind: 'dev',
    async code2session(code) {
      const digest = createHash('sha256').update(code).digest('hex');
      return { openid: `dev-${digest.slice(0, 24)}`, sessionKey: digest.slice(24, 48) };
    },
  };
}

/** The real jscode2session call, against WECHAT_API_BASE (a fake server on 127.0.0.1 in tests). */
export function realWechatLogin(options: { appId: string; secret: string; apiBase: string; timeoutMs?: number }): WechatLogin {
  return {
    kind: 'real',
    async code2session(code) {
      const url = new URL('/sns/jscode2session', options.apiBase);
      url.search = new URLSearchParams({
        appid: options.appId,
        secret: options.secret,
        js_code: code,
        grant_type: 'authorization_code',
      }).toString();
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
      } catch (err) {
        throw new WechatLoginError(`WeChat code2session unreachable: ${(err as Error).message}`);
      }
      if (!response.ok) throw new WechatLoginError(`WeChat code2session answered HTTP ${response.status}`);
      const body = (await response.json().catch(() => null)) as
        | { openid?: string; session_key?: string; unionid?: string; errcode?: number; errmsg?: string }
        | null;
      if (!body) throw new WechatLoginError('WeChat code2session returned a body that is not JSON');
      if (body.errcode) throw new WechatLoginError(`WeChat code2session refused the code: ${body.errcode} ${body.errmsg ?? ''}`.trim(), body.errcode);
      if (!body.openid || !body.session_key) throw new WechatLoginError('WeChat code2session returned no openid/session_key');
      return { openid: body.openid, sessionKey: body.session_key, ...(body.unionid ? { unionid: body.unionid } : {}) };
    },
  };
}
