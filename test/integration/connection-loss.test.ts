import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { connect, waitForDatabase, type Sql } from '../../src/store/index.ts';
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

/**
 * A TCP relay to the test server. Once armed, it cuts a connection as soon as its client sends a
 * statement containing `marker`, as a restart does to a connection in the middle of that statement;
 * `dropAll` cuts every open connection (the restart itself).
 */
async function cuttingRelay(target: URL, marker: string): Promise<{ url: string; arm(): void; dropAll(): void; cuts(): number; close(): Promise<void> }> {
  let armed = false;
  let cuts = 0;
  const pairs = new Set<() => void>();
  const server: Server = createServer((client: Socket) => {
    const upstream = connectTcp(Number(target.port || 5432), target.hostname);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(cut);
    };
    pairs.add(cut);
    client.on('data', (chunk: Buffer) => {
      if (armed && chunk.includes(marker)) {
        cuts += 1;
        cut();
      } else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', cut).on('error', cut);
    upstream.on('close', cut).on('error', cut);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: url.toString(),
    arm: () => void (armed = true),
    dropAll: () => [...pairs].forEach((cut) => cut()),
    cuts: () => cuts,
    close: () => new Promise((r) => {
      [...pairs].forEach((cut) => cut());
      server.close(() => r());
    }),
  };
}

describe('a connection opened again after a loss', () => {
  it('does not read the server\'s array types again (a loss during that read escaped as an unhandled rejection)', async () => {
    const escaped: unknown[] = [];
    const onUnhandled = (reason: unknown) => void escaped.push(reason);
    process.on('unhandledRejection', onUnhandled);
    // postgres.js reads the array types on a new connection with a statement naming `typarray`.
    const relay = await cuttingRelay(new URL(db.url), 'typarray');
    const pool = connect(relay.url, { max: 1, applicationName: 'nightshift-relayed' });
    try {
      const [first] = await pool<{ ids: string[] }[]>`select ${['a', 'b']}::text[] as ids`;
      assert.deepEqual(first.ids, ['a', 'b']);
      relay.arm();
      relay.dropAll();
      let answer: unknown;
      for (let attempt = 1; attempt <= 3 && answer === undefined; attempt++) {
        answer = await Promise.race([
          pool<{ ids: string[] }[]>`select ${['c']}::text[] as ids`.then((rows) => rows[0].ids, (e: { code?: string }) => (lostCode(e) ? undefined : e)),
          new Promise((r) => setTimeout(() => r('no answer within 5 s'), 5_000)),
        ]);
      }
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(answer, ['c'], 'the pool answers again, arrays included');
      assert.equal(relay.cuts(), 0, 'no types read on the new connection');
      assert.deepEqual(escaped, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await pool.end({ timeout: 1 });
      await relay.close();
    }
  });
});

describe('waiting for Postgres at start', () => {
  it('does not wait for a server that answers and refuses (a missing database): waiting cannot mend it', async () => {
    const missing = new URL(db.url);
    missing.pathname = '/nightshift_no_such_database';
    const waited: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_fields: object, message: string) => void waited.push(message) };
    const started = Date.now();
    await assert.rejects(waitForDatabase(missing.toString(), { waitMs: 30_000, logger }), (e: { code?: string }) => e.code === '3D000');
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    assert.deepEqual(waited, []);
  });

  it('answers at once when the server is there', async () => {
    await waitForDatabase(db.url, { waitMs: 0, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  });
});
