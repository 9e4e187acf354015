import { eq, sql } from 'drizzle-orm';
import { maskPhone, type User } from '@linli/shared';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';

type UserRow = typeof users.$inferSelect;

export function toUserDto(row: UserRow): User {
  return { id: row.id, displayName: row.displayName, phone: row.phone, hasWechat: row.wechatOpenid !== null };
}

// Insert-or-get in one statement, so two first log-ins at once cannot create two accounts.
export async function findOrCreateUserByPhone(db: Database, phone: string): Promise<UserRow> {
  const [created] = await db
    .insert(users)
    .values({ phone, displayName: `用户${maskPhone(phone)!.slice(-4)}` })
    .onConflictDoNothing({ target: users.phone })
    .returning();
  if (created) return created;
  const [existing] = await db.select().from(users).where(eq(users.phone, phone));
  return existing!;
}

export async function findOrCreateUserByOpenid(db: Database, openid: string, sessionKey: string): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ wechatOpenid: openid, wechatSessionKey: sessionKey, displayName: '微信用户' })
    .onConflictDoUpdate({ target: users.wechatOpenid, set: { wechatSessionKey: sql`excluded.wechat_session_key` } })
    .returning();
  return row!;
}
