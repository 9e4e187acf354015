// drizzle's node-postgres `transaction()` takes a connection from the pool and gives it back in a `finally` that a
// failed BEGIN never reaches: every BEGIN lost to a dropped connection (a database restart, a network cut) kept one of
// the pool's 20 connections for good, and once all were kept every request waited for a connection until it timed
// out. Same steps as drizzle 0.45's, with the connection given back, as broken, when BEGIN fails.
import { sql } from 'drizzle-orm';
import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
import type * as nodePostgres from 'drizzle-orm/node-postgres';

type DrizzleNodePostgres = typeof nodePostgres;

interface PoolClient {
  release(err?: Error | boolean): void;
}

/** What `transaction()` needs of a session: drizzle keeps these private. */
interface SessionInternals {
  client: { connect?: () => Promise<PoolClient> } & object;
  dialect: unknown;
  schema: unknown;
  options: unknown;
}

type TransactionBody = (tx: nodePostgres.NodePgTransaction<Record<string, unknown>, never>) => Promise<unknown>;

const patched = new WeakSet<object>();

function isPool(client: object): client is { connect: () => Promise<PoolClient> } {
  return Object.getPrototypeOf(client).constructor.name.includes('Pool') && typeof (client as { connect?: unknown }).connect === 'function';
}

export function releaseConnectionWhenBeginFails({ NodePgSession, NodePgTransaction }: DrizzleNodePostgres): void {
  const prototype = NodePgSession.prototype as unknown as { transaction: (body: TransactionBody, config?: PgTransactionConfig) => Promise<unknown> };
  if (patched.has(prototype)) return;
  patched.add(prototype);
  prototype.transaction = async function transaction(this: SessionInternals, body, config) {
    const connection = isPool(this.client) ? await this.client.connect() : null;
    const Session = NodePgSession as unknown as new (...args: unknown[]) => SessionInternals;
    const session = connection ? new Session(connection, this.dialect, this.schema, this.options) : this;
    const Transaction = NodePgTransaction as unknown as new (...args: unknown[]) => nodePostgres.NodePgTransaction<Record<string, unknown>, never> & {
      getTransactionConfigSQL(config: PgTransactionConfig): ReturnType<typeof sql>;
    };
    const tx = new Transaction(this.dialect, session, this.schema);
    try {
      await tx.execute(sql`begin${config ? sql` ${tx.getTransactionConfigSQL(config)}` : undefined}`);
    } catch (err) {
      connection?.release(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    try {
      const result = await body(tx);
      await tx.execute(sql`commit`);
      return result;
    } catch (err) {
      await tx.execute(sql`rollback`);
      throw err;
    } finally {
      connection?.release();
    }
  };
}
