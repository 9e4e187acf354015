// Per-account chat send budget: `max` created messages in a sliding `windowMs`, then 429 with when to retry.
// In process without Redis; with Redis one budget shared by every instance (a sorted set of send times per account).
// A post takes its send from the budget before it is written (one atomic step, so two posts at once cannot both take
// the last one) and gives it back if no message was created: a refused attempt or an idempotent re-send costs nothing.
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../../errors';
import type { SharedRedis } from '../../plugins/redis';

export interface SendReservation {
  /** The message was created: the send stays counted. */
  keep(): void;
  /** No message was created: the send goes back to the budget (once; nothing after `keep`). */
  release(): Promise<void>;
}

export interface SendRateLimiter {
  /** Takes one send from the account's budget; rejects with 429 RATE_LIMITED when the budget is used up. */
  take(userId: string): Promise<SendReservation>;
}

/** A post's send budget as asked for: the send taken, or why not (the 429 to answer with). */
export type SendBudget = { reservation: SendReservation; refused?: undefined } | { reservation?: undefined; refused: unknown };

export function askSendBudget(limiter: SendRateLimiter, userId: string): Promise<SendBudget> {
  return limiter.take(userId).then((reservation) => ({ reservation }), (refused: unknown) => ({ refused }));
}

function reservation(giveBack: () => Promise<void> | void): SendReservation {
  let settled = false;
  return {
    keep() {
      settled = true;
    },
    async release() {
      if (settled) return;
      settled = true;
      await giveBack();
    },
  };
}

function rateLimited(oldestSentAt: number, windowMs: number, now: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((oldestSentAt + windowMs - now) / 1000));
  return new AppError(429, 'RATE_LIMITED', `发送太频繁，请 ${retryAfterSeconds} 秒后再试`, { retryAfterSeconds });
}

/** Sends per account in this process; `take(userId, false)` counts a send the shared budget already allowed. */
function localBudget(max: number, windowMs: number) {
  const sent = new Map<string, number[]>();
  return {
    take(userId: string, enforce: boolean): SendReservation {
      const now = Date.now();
      const recent = (sent.get(userId) ?? []).filter((t) => now - t < windowMs);
      sent.set(userId, recent);
      if (enforce && recent.length >= max) throw rateLimited(recent[0]!, windowMs, now);
      recent.push(now);
      if (sent.size > 10_000) for (const [k, v] of sent) if (now - (v.at(-1) ?? 0) >= windowMs) sent.delete(k);
      return reservation(() => {
        const current = sent.get(userId);
        const at = current?.lastIndexOf(now) ?? -1;
        if (at >= 0) current!.splice(at, 1);
      });
    },
  };
}

export function inProcessSendRateLimiter(max: number, windowMs: number): SendRateLimiter {
  const budget = localBudget(max, windowMs);
  return { take: async (userId) => budget.take(userId, true) };
}

/**
 * Drops the sends older than the window; if fewer than the budget remain, adds this one and answers {1}; else answers
 * {0, the oldest send's time}. KEYS[1] the account's set; ARGV now, windowMs, max, this send's member.
 */
const takeScript = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return {0, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1}`;

/** The budget in Redis, shared by every instance; if Redis cannot be reached, this instance's own count applies. */
export function redisSendRateLimiter(redis: SharedRedis, max: number, windowMs: number, log: FastifyBaseLogger): SendRateLimiter {
  // Every send is counted here too, so that while Redis is down this instance goes on from what it has seen.
  const local = localBudget(max, windowMs);
  const keyOf = (userId: string) => `${redis.prefix}chat-send:${userId}`;
  return {
    async take(userId) {
      const now = Date.now();
      const key = keyOf(userId);
      const member = `${now}:${randomBytes(4).toString('hex')}`;
      let answer: [number, string?];
      try {
        answer = (await redis.client.eval(takeScript, 1, key, now, windowMs, max, member)) as [number, string?];
      } catch (err) {
        log.warn({ err }, 'chat send limit: Redis unavailable, counting in this instance');
        return local.take(userId, true);
      }
      if (answer[0] !== 1) throw rateLimited(Number(answer[1] ?? now), windowMs, now);
      const counted = local.take(userId, false);
      return reservation(async () => {
        await counted.release();
        try {
          await redis.client.zrem(key, member);
        } catch (err) {
          log.warn({ err }, 'chat send limit: Redis unavailable, an unused send stays counted until the window passes');
        }
      });
    },
  };
}
