// The HTTP client: every call names the shared zod schema of its response, carries the access token,
// and renews an expired token once (one refresh shared by all concurrent callers) before giving up.
import Taro from '@tarojs/taro';
import { z } from 'zod';
import { ErrorBody, LoginResponse } from '@linli/shared';
import { apiBase } from './platform';
import { clearTokens, readTokens, saveTokens } from './storage';
import { goToLogin } from './navigation';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | undefined>;

/** A failed call, with the server's code and its (Chinese) message, or one of our own codes below. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Codes the client itself produces, beside the server's ErrorCode list. */
export const clientErrorCodes = {
  network: 'NETWORK_ERROR',
  badResponse: 'BAD_RESPONSE',
  sessionEnded: 'SESSION_ENDED',
} as const;

export interface RequestOptions<S extends z.ZodType> {
  method?: Method;
  query?: Query;
  body?: unknown;
  /** Send `body` as these raw bytes (an ArrayBuffer) instead of JSON, e.g. `text/csv` for an uploaded file. */
  contentType?: string;
  /** The schema the response must satisfy; the call resolves with its parsed output. */
  schema: S;
  /** Send the access token (default true). */
  auth?: boolean;
  /** Try one silent refresh on an expired token (default true, when auth is on). */
  renew?: boolean;
  /** Extra request headers, e.g. Idempotency-Key. */
  headers?: Record<string, string>;
}

interface RawResponse {
  status: number;
  data: unknown;
}

const sessionEndListeners = new Set<() => void>();

/** Lets the session store forget its cached user when the tokens go. */
export function onSessionEnd(listener: () => void): () => void {
  sessionEndListeners.add(listener);
  return () => sessionEndListeners.delete(listener);
}

/** Forgets the tokens and everything cached for this user, and shows the log-in page. */
export function endSession(): void {
  clearTokens();
  sessionEndListeners.forEach((listener) => listener());
  goToLogin();
}

function urlOf(path: string, query?: Query): string {
  const pairs = Object.entries(query ?? {}).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
  );
  const search = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return `${apiBase}${path}${search ? `?${search}` : ''}`;
}

async function send(method: Method, url: string, body: unknown, accessToken: string | null, contentType?: string, extraHeaders?: Record<string, string>): Promise<RawResponse> {
  const header: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
  if (body !== undefined) header['Content-Type'] = contentType ?? 'application/json';
  if (accessToken) header.Authorization = `Bearer ${accessToken}`;
  try {
    const res = await Taro.request({
      url,
      method,
      header,
      data: body as TaroGeneral.IAnyObject | undefined,
      dataType: 'json',
      timeout: 15_000,
    });
    return { status: res.statusCode, data: res.data };
  } catch (cause) {
    throw new ApiError(clientErrorCodes.network, '网络连接失败，请检查网络后重试', 0, cause);
  }
}

function errorFrom(res: RawResponse): ApiError {
  const parsed = ErrorBody.safeParse(res.data);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(code, message, res.status, details);
  }
  return new ApiError('HTTP_ERROR', `请求失败（${res.status}），请稍后重试`, res.status, res.data);
}

function isExpiredSession(res: RawResponse): boolean {
  if (res.status !== 401) return false;
  const parsed = ErrorBody.safeParse(res.data);
  return parsed.success && (parsed.data.error.code === 'TOKEN_EXPIRED' || parsed.data.error.code === 'UNAUTHENTICATED');
}

let pendingRefresh: Promise<string | null> | null = null;

async function refreshTokens(refreshToken: string): Promise<string | null> {
  const res = await send('POST', urlOf('/api/v1/auth/refresh'), { refreshToken }, null);
  if (res.status < 200 || res.status >= 300) return null;
  const parsed = LoginResponse.safeParse(res.data);
  if (!parsed.success) return null;
  saveTokens({ accessToken: parsed.data.accessToken, refreshToken: parsed.data.refreshToken });
  return parsed.data.accessToken;
}

/**
 * A fresh access token, or null when the session cannot be renewed. A caller whose token was already
 * replaced by another caller's refresh just takes the new one; concurrent callers share one refresh.
 */
function renewAccessToken(rejectedToken: string): Promise<string | null> {
  const current = readTokens();
  if (!current) return Promise.resolve(null);
  if (current.accessToken !== rejectedToken) return Promise.resolve(current.accessToken);
  pendingRefresh ??= refreshTokens(current.refreshToken).finally(() => {
    pendingRefresh = null;
  });
  return pendingRefresh;
}

function sessionEnded(): ApiError {
  endSession();
  return new ApiError(clientErrorCodes.sessionEnded, '登录已失效，请重新登录', 401);
}

export async function request<S extends z.ZodType>(path: string, options: RequestOptions<S>): Promise<z.output<S>> {
  const { method = 'GET', query, body, contentType, schema, auth = true, renew = true, headers } = options;
  const url = urlOf(path, query);

  let accessToken: string | null = null;
  if (auth) {
    accessToken = readTokens()?.accessToken ?? null;
    if (!accessToken) throw sessionEnded();
  }

  let res = await send(method, url, body, accessToken, contentType, headers);
  if (auth && renew && accessToken && isExpiredSession(res)) {
    const renewed = await renewAccessToken(accessToken);
    if (!renewed) throw sessionEnded();
    res = await send(method, url, body, renewed, contentType, headers);
    if (isExpiredSession(res)) throw sessionEnded();
  }

  if (res.status < 200 || res.status >= 300) throw errorFrom(res);

  const parsed = schema.safeParse(res.data);
  if (!parsed.success) {
    console.error(`[api] ${method} ${path}: response does not match its schema`, parsed.error.issues);
    throw new ApiError(
      clientErrorCodes.badResponse,
      '服务器返回的数据与约定不符，请稍后重试或联系社区工作人员',
      res.status,
      parsed.error.issues,
    );
  }
  return parsed.data;
}

const noBody = z.unknown();

type PageSchema = z.ZodType<{ items: unknown[]; nextCursor: string | null }>;
const maxPagesFollowed = 50;

/**
 * Every page of a cursor-paged list, 100 items a request, followed to its end: a building's rooms or the
 * pending bindings must not stop silently at the first page. Gives up after 50 pages rather than loop forever.
 */
async function getAllPages<S extends PageSchema>(path: string, schema: S, query: Query = {}): Promise<z.output<S>> {
  let page = await request(path, { schema, query: { ...query, limit: 100 } });
  const items = [...page.items];
  for (let followed = 1; page.nextCursor && followed < maxPagesFollowed; followed++) {
    page = await request(path, { schema, query: { ...query, limit: 100, cursor: page.nextCursor } });
    items.push(...page.items);
  }
  return { ...page, items, nextCursor: null };
}

export const api = {
  get: <S extends z.ZodType>(path: string, schema: S, query?: Query) => request(path, { schema, query }),
  getAllPages,
  post: <S extends z.ZodType>(path: string, schema: S, body: unknown = {}) =>
    request(path, { method: 'POST', schema, body }),
  /** DELETE answers 204 with no body; the promise settles when the server has done it. */
  delete: async (path: string): Promise<void> => {
    await request(path, { method: 'DELETE', schema: noBody });
  },
};

/** The message to show for any failure: the server's own words when it sent some. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return '出了点问题，请稍后重试';
}
