import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Sql } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// postgres.js 3.4.9 answers a transaction callback that failed because its connection died with a
// ROLLBACK written on that dead connection: an exception outside any promise, which ends the process
// (porsager/postgres #1066, #1154, #1208). store/connection.ts leaves such callbacks unsettled. Here
// the backend of a transaction is terminated from another connection while the transaction waits in
// a statement, as a server restart does to every busy connection.
let db: TestDatabase;
let sql: Sql;
let killer: Sql;
before(async () => {
  db = await createTestDatabase();
  sql = connect(db.url, { max: 3, applicationName: 'nightshift-connection-loss' });
  killer = connect(db.url, { max: 1, applicationName: 'nightshift-connection-killer' });
});
after(async () => {
  await sql.end({ timeout: 1 });
  await killer.end({ timeout: 1 });
  await db.drop();
});

const lostCode = (e: unknown): boolean => ['CONNECTION_CLOSED', '57P01'].includes(String((e as { code?: unknown }).code));

/** Runs `inside` in a transaction whose backend is terminated while it sleeps in a statement. */
function killedTransaction(inside: (tx: Sql, sleep: () => Promise<unknown>) => Promise<unknown>): Promise<unknown> {
  return sql.begin(async (tx) => {
    const [{ pid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
    setTimeout(() => void killer`select pg_terminate_backend(${pid})`.then(() => {}), 50);
    return inside(tx as unknown as Sql, () => tx`select pg_sleep(10)`.then(() => {}));
  });
}

/** The pool answers again: the query right after a loss may still fail once (the driver's quirk). */
async function poolAnswers(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [row] = await sql<{ one: number }[]>`select 1 as one`;
      assert.equal(row.one, 1);
      return;
    } catch (e) {
      if (attempt >= 3 || !lostCode(e)) throw e;
    }
  }
}

describe('a connection lost inside a transaction', () => {
  it('fails the transaction with a connection error, and the process and the pool go on', async () => {
    for (let round = 0; round < 4; round++) {
      await assert.rejects(killedTransaction((_tx, sleep) => sleep()), lostCode);
      await poolAnswers();
    }
  });

  it('fails the transaction when the connection dies inside a savepoint', async () => {
    for (let round = 0; round < 3; round++) {
      await assert.rejects(killedTransaction((tx, sleep) => (tx as unknown as { savepoint(fn: () => Promise<unknown>): Promise<unknown> }).savepoint(sleep)), lostCode);
      await poolAnswers();
    }
  });

  it('still rolls back and reports an ordinary failure', async () => {
    await sql`create table kept (n int)`;
    await assert.rejects(sql.begin(async (tx) => {
      await tx`insert into kept values (1)`;
      await tx`select 1 / 0`;
    }), (e: { code?: string }) => e.code === '22012');
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from kept`;
    assert.equal(row.n, 0);
  });
});
