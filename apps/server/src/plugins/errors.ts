// The one place that turns every failure into { error: { code, message, details } } with the right status.
import type { ErrorCode } from '@linli/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../errors';

const databaseDownCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: any = err, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (databaseDownCodes.has(e.code)) return true;
    if (typeof e.message === 'string' && /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|is not queryable/.test(e.message)) return true;
  }
  return false;
}

function fieldName(instancePath: string | undefined, params: Record<string, unknown> | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const missing = params && typeof params.missingProperty === 'string' ? params.missingProperty : '';
  return [path, missing].filter(Boolean).join('.') || '(body)';
}

const frameworkErrorCodes: Partial<Record<number, ErrorCode>> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 429: 'RATE_LIMITED' };

/** Errors the router raises before any route or hook runs (a malformed or overlong URL). */
export function answerFrameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return reply.status(414).send({ error: { code: 'URI_TOO_LONG', message: '网址中的编号过长，请检查链接是否完整正确' } });
  }
  return reply.status(400).send({ error: { code: 'BAD_URL', message: '网址格式不正确，请检查链接是否完整正确' } });
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first string anywhere in `value` that PostgreSQL cannot store, with the keys leading to it: one holding a NUL (text refuses
 * it), or a lone UTF-16 surrogate (JSON escapes it as \udfff, which jsonb refuses; text would silently store U+FFFD).
 */
function unstorableText(value: unknown, depth = 0): { path: string[]; nul: boolean } | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path: [], nul: true };
    return loneSurrogate.test(value) ? { path: [], nul: false } : null;
  }
  if (depth > 20 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const found = unstorableText((value as Record<string, unknown>)[key], depth + 1);
    if (found) {
      found.path.unshift(key);
      return found;
    }
  }
  return null;
}

/** 1048576 → "1 MB", 5242880 → "5 MB", 1572864 → "1.5 MB". */
const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** What an error answer says: an AppError, or the same fields without an Error behind them (a refusal in a rush). */
export type ErrorAnswer = Pick<AppError, 'statusCode' | 'code' | 'message' | 'details'>;

/** The answer for an AppError: its status and { error: { code, message, details } }. */
export function sendAppError(reply: FastifyReply, err: ErrorAnswer) {
  if (err.statusCode === 429) reply.header('retry-after', String((err.details as any)?.retryAfterSeconds ?? 60));
  return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message, details: err.details } });
}

export const errorsPlugin = fp(async function errorsPlugin(app: FastifyInstance) {
  // No text we store may hold a NUL or a lone surrogate: refuse it here, for every route, instead of as a database error later.
  app.addHook('preValidation', (request, _reply, done) => {
    for (const [part, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const found = unstorableText(value);
      if (found !== null) {
        const field = found.path.join('.') || '(body)';
        return done(new AppError(400, 'VALIDATION_FAILED', found.nul
          ? `请求内容有误：${part}.${field} 含有不可见的控制字符（\\u0000）`
          : `请求内容有误：${part}.${field} 含有无效的 Unicode 字符（不成对的代理项）`, [
          { field, in: part, message: found.nul ? 'must not contain NUL (\\u0000)' : 'must not contain a lone UTF-16 surrogate' },
        ]));
      }
    }
    done();
  });

  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) return sendAppError(reply, err);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        field: fieldName(v.instancePath, v.params as Record<string, unknown>),
        in: err.validationContext ?? 'body',
        message: v.message ?? 'invalid',
      }));
      const first = details[0];
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: first ? `请求内容有误：${first.in}.${first.field} ${first.message}` : '请求内容有误',
          details,
        },
      });
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
      // The route's own limit (5 MB for a roll or a photo), not the 1 MB most routes take.
      const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1024 * 1024;
      return reply.status(413).send({ error: { code: 'PAYLOAD_TOO_LARGE', message: `请求内容过大（上限 ${megabytes(limit)}）`, details: { limitBytes: limit } } });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.statusCode === 415) {
      return reply.status(415).send({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `不支持的内容类型：${request.headers['content-type'] ?? '(无)'}` } });
    }
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError)) {
      return reply.status(400).send({ error: { code: 'MALFORMED_JSON', message: '请求体不是有效的 JSON' } });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      // The framework's own code and English message are no answer for a resident: a listed code, said in Chinese.
      const code = frameworkErrorCodes[fe.statusCode] ?? 'BAD_REQUEST';
      return reply.status(fe.statusCode).send({ error: { code, message: '请求无法处理，请检查后重试', details: { reason: fe.code ?? null } } });
    }
    if (isDatabaseUnavailable(err)) {
      request.log.error({ err }, 'database unavailable');
      return reply.status(503).header('retry-after', '5').send({
        error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后重试', details: { requestId: request.id } },
      });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause?.issues }, 'response did not match its schema');
    } else {
      request.log.error({ err }, 'unhandled error');
    }
    return reply.status(500).send({
      error: { code: 'INTERNAL_ERROR', message: '服务器内部错误，请稍后重试', details: { requestId: request.id } },
    });
  });

  const answerNotFound = (request: FastifyRequest, reply: FastifyReply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `没有这个接口：${request.method} ${request.url.split('?')[0]}` } });
  app.setNotFoundHandler(answerNotFound);
  // Unmatched API paths (an overlong id included) must not fall through to the h5 app's static files.
  app.all('/api/*', { schema: { hide: true } }, answerNotFound);
});
