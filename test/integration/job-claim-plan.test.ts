import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { claimDueJobs, completeJobs, enqueueJobs, servedResources, type NewJob, type Queryable } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { explain as plan, scansIn, type PlanNode } from '../support/plans.ts';

// PERFORMANCE.md lesson 4: a peer's claim query scanned ~500 000 rows per call after a burst into
// a table whose statistics still said "empty". The claim must use jobs_claim_idx whatever the
// statistics say, and read about as many index entries as it takes jobs.

const scansOfJobs = (plan: PlanNode): PlanNode[] => scansIn(plan, (scan) => scan['Relation Name'] === 'jobs');

function assertUsesClaimIndex(root: PlanNode): void {
  const scans = scansOfJobs(root);
  for (const scan of scans) {
    assert.match(scan['Node Type'], /^(Index( Only)?|Tid) Scan$/, `no ${scan['Node Type']} on jobs`);
    if (scan['Node Type'] === 'Tid Scan') continue;
    assert.ok(
      ['jobs_claim_idx', 'jobs_lease_expires_at_idx', 'jobs_pkey'].includes(scan['Index Name'] ?? ''),
      `unexpected index ${scan['Index Name']}`,
    );
  }
  assert.ok(scans.some((scan) => scan['Index Name'] === 'jobs_claim_idx'));
}

describe('claim plan after a burst', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  it('claims a burst of 50 000 jobs into a freshly analysed empty table through jobs_claim_idx', async () => {
    const { sql } = db;
    await sql.unsafe('alter table nightshift.jobs set (autovacuum_enabled = false)');
    await sql.unsafe('analyze nightshift.jobs');
    const now = new Date('2030-01-01T00:00:00.000Z');
    const burst: NewJob[] = Array.from({ length: 50_000 }, (_, i) => ({
      kind: 'step',
      runAt: new Date(now.getTime() - 60_000 + i),
      payload: { i },
    }));
    // Timers due later, at the same and at a higher priority: a claim must not read them.
    const timers: NewJob[] = Array.from({ length: 5_000 }, (_, i) => ({
      kind: 'timer',
      runAt: new Date(now.getTime() + 3_600_000 + i),
      priority: i % 2,
    }));
    await enqueueJobs(sql, burst);
    await enqueueJobs(sql, timers);
    const [{ reltuples }] = await sql.unsafe(
      "select reltuples from pg_class where oid = 'nightshift.jobs'::regclass",
    );
    assert.equal(reltuples, 0, 'statistics still describe an empty table');

    let captured: { statement: string; parameters: never[] } | undefined;
    sql.options.debug = (_connection, statement, parameters) => {
      captured ??= { statement, parameters: parameters as never[] };
    };
    // As a worker claims: with the resources it serves (the filter every claim of a worker carries).
    const served = servedResources(['noop', 'activity:*']);
    const first = await claimDueJobs(sql, { workerId: 'w', now, limit: 100, leaseMs: 60_000, served });
    sql.options.debug = false;
    assert.equal(first.length, 100);
    assert.ok(captured);
    const { statement, parameters } = captured;

    assertUsesClaimIndex(await plan(sql, 'costs off', statement, parameters));
    await sql.begin(async (tx) => {
      await tx.unsafe('set local plan_cache_mode = force_generic_plan');
      assertUsesClaimIndex(await plan(tx, 'costs off', statement, parameters));
    });

    await sql
      .begin(async (tx) => {
        const analysed = await plan(tx, 'analyze, costs off, timing off', statement, parameters);
        const read = scansOfJobs(analysed)
          .filter((scan) => scan['Index Name'] === 'jobs_claim_idx')
          .reduce((sum, scan) => sum + (scan['Actual Rows'] ?? 0) * (scan['Actual Loops'] ?? 1), 0);
        assert.ok(read <= 100 + 10, `read ${read} entries of jobs_claim_idx to claim 100 jobs`);
        throw new Error('rollback');
      })
      .catch((error: Error) => assert.equal(error.message, 'rollback'));

    let claimed = first.length;
    await completeJobs(sql, 'w', first.map((job) => job.id));
    for (;;) {
      const jobs = await claimDueJobs(sql, { workerId: 'w', now, limit: 1_000, leaseMs: 60_000 });
      if (jobs.length === 0) break;
      assert.ok(jobs.every((job) => job.kind === 'step'));
      claimed += (await completeJobs(sql, 'w', jobs.map((job) => job.id))).length;
    }
    assert.equal(claimed, 50_000);
  });

  it('claims from an analysed queue of 5 000 jobs without reading the whole table', async () => {
    const { sql } = db;
    await sql.unsafe('delete from nightshift.jobs');
    const now = new Date('2030-01-01T00:00:00.000Z');
    await enqueueJobs(sql, Array.from({ length: 5_000 }, (_, i) => ({ kind: 'step', runAt: new Date(now.getTime() - 60_000 + i), payload: { i } })));
    await sql.unsafe('analyze nightshift.jobs');
    let captured: { statement: string; parameters: never[] } | undefined;
    sql.options.debug = (_connection, statement, parameters) => {
      captured ??= { statement, parameters: parameters as never[] };
    };
    assert.equal((await claimDueJobs(sql, { workerId: 'w2', now, limit: 25, leaseMs: 60_000 })).length, 25);
    sql.options.debug = false;
    assert.ok(captured);
    await sql.begin(async (tx) => {
      await tx.unsafe('set local plan_cache_mode = force_generic_plan');
      assertUsesClaimIndex(await plan(tx, 'costs off', captured!.statement, captured!.parameters));
    });
    assertUsesClaimIndex(await plan(sql, 'costs off', captured.statement, captured.parameters));
  });
});
