// Per-account chat send budget: `max` created messages in a sliding `windowMs`, then 429 with when to retry.
// In process without Redis; with Redis one budget shared by every instance (a sorted set of send times per account).
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../../errors';
import type { SharedRedis } from '../../plugins/redis';

export interface SendRateLimiter {
  /** Throws 429 RATE_LIMITED when the account has used its budget. */
  check(userId: string): Promise<void>;
  /** Only messages actually created count: a failed attempt or an idempotent re-send costs nothing. */
  record(userId: string): Promise<void>;
}

function rateLimited(oldestSentAt: number, windowMs: number, now: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((oldestSentAt + windowMs - now) / 1000));
  return new AppError(429, 'RATE_LIMITED', `发送太频繁，请 ${retryAfterSeconds} 秒后再试`, { retryAfterSeconds });
}

export function inProcessSendRateLimiter(max: number, windowMs: number): SendRateLimiter {
  const sent = new Map<string, number[]>();
  const recentOf = (userId: string, now: number) => {
    const recent = (sent.get(userId) ?? []).filter((t) => now - t < windowMs);
    sent.set(userId, recent);
    return recent;
  };
  return {
    async check(userId) {
      const now = Date.now();
      const recent = recentOf(userId, now);
      if (recent.length >= max) throw rateLimited(recent[0]!, windowMs, now);
    },
    async record(userId) {
      const now = Date.now();
      recentOf(userId, now).push(now);
      if (sent.size > 10_000) for (const [k, v] of sent) if (now - (v.at(-1) ?? 0) >= windowMs) sent.delete(k);
    },
  };
}

/** The budget in Redis, shared by every instance; if Redis cannot be reached, this instance's own count applies. */
export function redisSendRateLimiter(redis: SharedRedis, max: number, windowMs: number, log: FastifyBaseLogger): SendRateLimiter {
  const fallback = inProcessSendRateLimiter(max, windowMs);
  const keyOf = (userId: string) => `${redis.prefix}chat-send:${userId}`;
  return {
    async check(userId) {
      const now = Date.now();
      let recent: number;
      let oldest: number;
      try {
        const replies = await redis.client
          .multi()
          .zremrangebyscore(keyOf(userId), 0, now - windowMs)
          .zcard(keyOf(userId))
          .zrange(keyOf(userId), '0', '0', 'WITHSCORES')
          .exec();
        recent = Number(replies![1]![1]);
        oldest = Number((replies![2]![1] as string[])[1] ?? now);
      } catch (err) {
        log.warn({ err }, 'chat send limit: Redis unavailable, counting in this instance');
        return fallback.check(userId);
      }
      if (recent >= max) throw rateLimited(oldest, windowMs, now);
    },
    async record(userId) {
      const now = Date.now();
      await fallback.record(userId);
      try {
        await redis.client.multi().zadd(keyOf(userId), now, `${now}:${randomBytes(4).toString('hex')}`).pexpire(keyOf(userId), windowMs).exec();
      } catch (err) {
        log.warn({ err }, 'chat send limit: Redis unavailable, send not counted across instances');
      }
    },
  };
}
