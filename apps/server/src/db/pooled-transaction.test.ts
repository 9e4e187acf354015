import * as nodePostgres from 'drizzle-orm/node-postgres';
import { releaseConnectionWhenBeginFails } from './pooled-transaction';

/** A pool of one fake connection whose statements matching `failing` fail as a dropped connection's would. */
class FakePool {
  readonly statements: string[] = [];
  readonly releases: (Error | null)[] = [];
  checkedOut = 0;

  constructor(private readonly failing: RegExp | null) {}

  async connect() {
    this.checkedOut += 1;
    return {
      query: async (query: string | { text: string }) => {
        const text = typeof query === 'string' ? query : query.text;
        if (this.failing?.test(text)) throw new Error('Connection terminated unexpectedly');
        this.statements.push(text);
        return { rows: [], rowCount: 0, fields: [], command: '' };
      },
      release: (err?: Error) => {
        this.checkedOut -= 1;
        this.releases.push(err ?? null);
      },
    };
  }
}

beforeAll(() => releaseConnectionWhenBeginFails(nodePostgres));

test('a BEGIN that fails gives its connection back to the pool, marked broken, and the error reaches the caller', async () => {
  const pool = new FakePool(/^begin/);
  const db = nodePostgres.drizzle(pool as never);
  const body = jest.fn(async () => 'never run');
  const failure = await db.transaction(body).catch((err: Error) => err);
  expect(failure).toBeInstanceOf(Error);
  expect(String((failure as Error).cause)).toContain('Connection terminated unexpectedly');
  expect(body).not.toHaveBeenCalled();
  expect(pool.checkedOut).toBe(0);
  expect(pool.releases).toHaveLength(1);
  expect(pool.releases[0]).toBeInstanceOf(Error);
});

test('a transaction that commits runs begin, its statements and commit on one connection, then gives it back', async () => {
  const pool = new FakePool(null);
  const db = nodePostgres.drizzle(pool as never);
  const result = await db.transaction(async (tx) => {
    await tx.execute('select 1');
    return 'done';
  }, { isolationLevel: 'serializable' });
  expect(result).toBe('done');
  expect(pool.statements).toEqual(['begin isolation level serializable', 'select 1', 'commit']);
  expect(pool.checkedOut).toBe(0);
  expect(pool.releases).toEqual([null]);
});

test('a transaction whose body fails is rolled back, its error rethrown and its connection given back', async () => {
  const pool = new FakePool(null);
  const db = nodePostgres.drizzle(pool as never);
  await expect(db.transaction(async () => {
    throw new Error('refused');
  })).rejects.toThrow('refused');
  expect(pool.statements).toEqual(['begin', 'rollback']);
  expect(pool.checkedOut).toBe(0);
});
