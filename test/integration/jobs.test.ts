import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  claimDueJobs,
  completeJobs,
  enqueueJobs,
  extendLeases,
  nextDueAt,
  releaseJobs,
  type NewJob,
} from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const t0 = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('job queue', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    await db.sql.unsafe('truncate nightshift.jobs');
  });

  it('hands each of 2000 jobs to exactly one of 4 concurrent claimers', async () => {
    const jobs: NewJob[] = Array.from({ length: 2000 }, (_, i) => ({ kind: 'step', runAt: at(-i), payload: { i } }));
    await enqueueJobs(db.sql, jobs);
    const claimedBy = await Promise.all(
      [1, 2, 3, 4].map(async (worker) => {
        const ids: number[] = [];
        for (;;) {
          const claimed = await claimDueJobs(db.sql, { workerId: `w${worker}`, now: t0, limit: 25, leaseMs: 60_000 });
          if (claimed.length === 0) return ids;
          const completed = await completeJobs(db.sql, `w${worker}`, claimed.map((job) => job.id));
          assert.equal(completed.length, claimed.length);
          ids.push(...completed);
        }
      }),
    );
    const all = claimedBy.flat();
    assert.equal(all.length, 2000);
    assert.equal(new Set(all).size, 2000);
    assert.ok(claimedBy.filter((ids) => ids.length > 0).length > 1, 'more than one claimer got work');
    const [{ count }] = await db.sql.unsafe('select count(*) from nightshift.jobs');
    assert.equal(count, 0);
  });

  it('claims highest priority first, then earliest run_at', async () => {
    await enqueueJobs(db.sql, [
      { kind: 'low-early', runAt: at(-3000), priority: -1 },
      { kind: 'normal-late', runAt: at(-1000) },
      { kind: 'normal-early', runAt: at(-2000) },
      { kind: 'high-late', runAt: at(-10), priority: 5 },
      { kind: 'high-early', runAt: at(-20), priority: 5 },
    ]);
    const order: string[] = [];
    for (;;) {
      const [job] = await claimDueJobs(db.sql, { workerId: 'w', now: t0, limit: 1, leaseMs: 60_000 });
      if (!job) break;
      order.push(job.kind);
    }
    assert.deepEqual(order, ['high-early', 'high-late', 'normal-early', 'normal-late', 'low-early']);
  });

  it('returns a batch in priority order and skips past future jobs of a higher priority', async () => {
    await enqueueJobs(db.sql, [
      { kind: 'future-high', runAt: at(1000), priority: 9 },
      { kind: 'due-low', runAt: at(-1000), priority: -5 },
      { kind: 'due-high', runAt: at(0), priority: 9 },
      { kind: 'due-normal', runAt: at(-500) },
    ]);
    const claimed = await claimDueJobs(db.sql, { workerId: 'w', now: t0, limit: 10, leaseMs: 60_000 });
    assert.deepEqual(claimed.map((job) => job.kind), ['due-high', 'due-normal', 'due-low']);
  });

  it('does not claim a job before its run_at', async () => {
    await enqueueJobs(db.sql, [{ kind: 'later', runAt: at(5000) }]);
    assert.deepEqual(await claimDueJobs(db.sql, { workerId: 'w', now: at(4999), limit: 10, leaseMs: 1000 }), []);
    const [job] = await claimDueJobs(db.sql, { workerId: 'w', now: at(5000), limit: 10, leaseMs: 1000 });
    assert.equal(job.kind, 'later');
    assert.equal(job.attempts, 1);
    assert.deepEqual(job.leaseExpiresAt, at(6000));
  });

  it('lets another worker take a job whose lease was not extended', async () => {
    const [id] = await enqueueJobs(db.sql, [{ kind: 'step', runAt: t0 }]);
    const [first] = await claimDueJobs(db.sql, { workerId: 'a', now: t0, limit: 10, leaseMs: 30_000 });
    assert.equal(first.id, id);
    assert.deepEqual(await claimDueJobs(db.sql, { workerId: 'b', now: at(29_999), limit: 10, leaseMs: 30_000 }), []);
    const [second] = await claimDueJobs(db.sql, { workerId: 'b', now: at(30_000), limit: 10, leaseMs: 30_000 });
    assert.equal(second.id, id);
    assert.equal(second.attempts, 2);
    assert.deepEqual(await completeJobs(db.sql, 'a', [id]), [], 'the first worker lost the job');
    assert.deepEqual(await extendLeases(db.sql, 'a', [id], 30_000, at(30_001)), []);
    assert.deepEqual(await completeJobs(db.sql, 'b', [id]), [id]);
  });

  it('keeps a job away from other workers while its lease is extended', async () => {
    const [id] = await enqueueJobs(db.sql, [{ kind: 'step', runAt: t0 }]);
    await claimDueJobs(db.sql, { workerId: 'a', now: t0, limit: 10, leaseMs: 30_000 });
    assert.deepEqual(await extendLeases(db.sql, 'a', [id], 30_000, at(20_000)), [id]);
    assert.deepEqual(await claimDueJobs(db.sql, { workerId: 'b', now: at(49_999), limit: 10, leaseMs: 30_000 }), []);
    const [taken] = await claimDueJobs(db.sql, { workerId: 'b', now: at(50_000), limit: 10, leaseMs: 30_000 });
    assert.equal(taken.id, id);
  });

  it('puts released jobs back in the queue at the given time', async () => {
    const ids = await enqueueJobs(db.sql, [{ kind: 'a', runAt: t0 }, { kind: 'b', runAt: t0 }]);
    await claimDueJobs(db.sql, { workerId: 'w', now: t0, limit: 10, leaseMs: 30_000 });
    assert.deepEqual(await releaseJobs(db.sql, 'other', ids), []);
    assert.deepEqual((await releaseJobs(db.sql, 'w', [ids[0]])).sort(), [ids[0]]);
    assert.deepEqual(await releaseJobs(db.sql, 'w', [ids[1]], at(10_000)), [ids[1]]);
    const now = await claimDueJobs(db.sql, { workerId: 'v', now: at(1), limit: 10, leaseMs: 30_000 });
    assert.deepEqual(now.map((job) => [job.kind, job.attempts]), [['a', 2]]);
    const later = await claimDueJobs(db.sql, { workerId: 'v', now: at(10_000), limit: 10, leaseMs: 30_000 });
    assert.deepEqual(later.map((job) => job.kind), ['b']);
  });

  it('tells an idle worker when the next job becomes claimable', async () => {
    assert.equal(await nextDueAt(db.sql, t0), null);
    await enqueueJobs(db.sql, [
      { kind: 'a', runAt: at(60_000) },
      { kind: 'b', runAt: at(5_000), priority: -3 },
      { kind: 'c', runAt: at(90_000), priority: 4 },
    ]);
    assert.deepEqual(await nextDueAt(db.sql, t0), at(5_000));
    assert.deepEqual(await nextDueAt(db.sql, at(7_000)), at(7_000), 'a due job means now');
    await claimDueJobs(db.sql, { workerId: 'w', now: at(7_000), limit: 10, leaseMs: 1_000 });
    assert.deepEqual(await nextDueAt(db.sql, at(7_500)), at(8_000), 'the lease of b runs out first');
  });

  it('enqueues a job with a dedupe key only once while it exists', async () => {
    const first = await enqueueJobs(db.sql, [
      { kind: 'timer', runAt: t0, dedupeKey: 'e1:Wait' },
      { kind: 'timer', runAt: t0, dedupeKey: 'e1:Wait' },
    ]);
    assert.equal(first.length, 1);
    assert.deepEqual(await enqueueJobs(db.sql, [{ kind: 'timer', runAt: t0, dedupeKey: 'e1:Wait' }]), []);
    const [job] = await claimDueJobs(db.sql, { workerId: 'w', now: t0, limit: 10, leaseMs: 1_000 });
    assert.equal(job.dedupeKey, 'e1:Wait');
    await completeJobs(db.sql, 'w', [job.id]);
    assert.equal((await enqueueJobs(db.sql, [{ kind: 'timer', runAt: t0, dedupeKey: 'e1:Wait' }])).length, 1);
  });

  it('enqueues nothing when the enclosing transaction rolls back', async () => {
    await assert.rejects(
      db.sql.begin(async (tx) => {
        await enqueueJobs(tx, [{ kind: 'a', runAt: t0 }]);
        throw new Error('step failed');
      }),
      /step failed/,
    );
    assert.equal(await nextDueAt(db.sql, t0), null);
  });
});
