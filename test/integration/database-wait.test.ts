import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { ResourceRegistry } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { newExecutionId } from '../../src/shared/index.ts';
import { connect, isDatabaseUnreachable, type Sql } from '../../src/store/index.ts';
import { createTestDatabase } from '../support/database.ts';

// A Postgres being stopped or started can accept a TCP connection and then never answer it, or close it
// without a word (a backend still reading the startup packet when the server is told to stop exits
// silently). postgres.js waits 30 s for the first and retries the second forever, with the same
// statement: an API request behind it got no answer at all (test/e2e/postgres-outage.test.ts).

type Mode = 'stall' | 'hang up' | 'reset';

/** A server on 127.0.0.1 that accepts connections and then never answers, closes them cleanly, or resets them. */
async function mutePeer(mode: Mode): Promise<{ url: string; accepted(): number; close(): Promise<void> }> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    if (mode === 'hang up') socket.once('data', () => socket.end());
    if (mode === 'reset') socket.resetAndDestroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `postgres://postgres@127.0.0.1:${(server.address() as { port: number }).port}/postgres`,
    accepted: () => accepted,
    close: () => new Promise((r) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => r());
    }),
  };
}

const pools: Sql[] = [];
const peers: Array<{ close(): Promise<void> }> = [];
after(async () => {
  await Promise.all(pools.map((p) => p.end({ timeout: 0 }).catch(() => {})));
  await Promise.all(peers.map((p) => p.close()));
});

async function poolTo(mode: Mode, max = 1) {
  const peer = await mutePeer(mode);
  peers.push(peer);
  const sql = connect(peer.url, { max, applicationName: 'nightshift-database-wait' });
  pools.push(sql);
  return { peer, sql };
}

/** What `work` settled with, or a sentence saying it was still waiting after `ms`. */
async function outcomeWithin(ms: number, work: Promise<unknown>): Promise<{ error?: unknown; late?: string; ms: number }> {
  const began = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    work.then(() => ({ late: 'answered' }), (error: unknown) => ({ error })),
    new Promise<{ late: string }>((r) => (timer = setTimeout(() => r({ late: `still waiting after ${ms} ms` }), ms))),
  ]);
  clearTimeout(timer);
  return { ...result, ms: Date.now() - began };
}

describe('waiting for a database that accepts connections but does not answer', () => {
  it('fails a statement as unreachable within the connect timeout when the server never answers', async () => {
    const { sql } = await poolTo('stall');
    const outcome = await outcomeWithin(12_000, sql`select 1`);
    assert.equal(outcome.late, undefined, outcome.late);
    assert.ok(isDatabaseUnreachable(outcome.error), String(outcome.error));
    assert.ok(outcome.ms < 7_000, `failed after ${outcome.ms} ms`);
  });

  it('fails a statement as unreachable when every connection is closed before the server answers', async () => {
    const { sql } = await poolTo('hang up');
    const outcome = await outcomeWithin(12_000, sql`select 1`);
    assert.equal(outcome.late, undefined, outcome.late);
    assert.ok(isDatabaseUnreachable(outcome.error), String(outcome.error));
  });

  it('fails a transaction as unreachable, without running it, when no connection answers', async () => {
    const { sql } = await poolTo('hang up');
    let ran = false;
    const outcome = await outcomeWithin(12_000, sql.begin(async () => void (ran = true)));
    assert.equal(outcome.late, undefined, outcome.late);
    assert.ok(isDatabaseUnreachable(outcome.error), String(outcome.error));
    assert.equal(ran, false);
  });
});

describe('starts grouped in one transaction when the database cannot be reached', () => {
  it('answers every start of the group with the failure at once instead of trying each alone', async () => {
    const { peer, sql } = await poolTo('reset', 4);
    const runtime = new DurableRuntime({ sql, registry: new ResourceRegistry(), concurrency: 0 });
    const starts = Array.from({ length: 4 }, (_, i) => {
      const id = newExecutionId();
      return runtime.startExecution({
        id, workflowName: 'w', versionId: newExecutionId(), name: `n${i}`, mode: 'persistent', input: {},
        parentId: null, rootId: id, identity: null, idempotencyKey: null, startedAt: new Date(),
      });
    });
    const outcomes = await Promise.all(starts.map((s) => outcomeWithin(12_000, s)));
    for (const o of outcomes) assert.ok(isDatabaseUnreachable(o.error), String(o.error ?? o.late));
    assert.equal(peer.accepted(), 1, 'one connection attempt for the group, none for its items alone');
  });
});

describe('a connection the server closes without answering, on purpose', () => {
  it('still cancels a statement (the server answers a cancel request by closing the connection)', async () => {
    const db = await createTestDatabase();
    const sql = connect(db.url, { max: 1, applicationName: 'nightshift-database-wait' });
    try {
      const sleeping = sql`select pg_sleep(10)`;
      const failed = sleeping.then(() => 'slept', (e: { code?: string }) => e.code);
      await new Promise((r) => setTimeout(r, 300));
      await sleeping.cancel();
      assert.equal(await failed, '57014');
    } finally {
      await sql.end({ timeout: 1 });
      await db.drop();
    }
  });
});
