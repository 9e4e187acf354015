// The demo seed issues passes and stocks reserves; suites that count from zero clear them first.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@linli/server/db/client';

export async function clearPassesAndReserves(db: DbOrTx): Promise<void> {
  await db.execute(sql`DELETE FROM pass_token_uses`);
  await db.execute(sql`DELETE FROM pass_trips`);
  await db.execute(sql`DELETE FROM passes`);
  await db.execute(sql`DELETE FROM pass_policies`);
  await db.execute(sql`DELETE FROM reserve_ledger`);
  await db.execute(sql`DELETE FROM reserve_items`);
}
