/**
 * Retention of scheduled runs on real rows: runs and lists are scheduled, started, ended and cancelled by
 * a real worker, then the retention sweep is run with an injected clock — 29 days on, then 31 (the
 * retention age is 30 days) — and one row per statement, so every loop of the sweep runs.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  cancelScheduled,
  cancelScheduledBy,
  getBatch,
  removeOldScheduledRuns,
  scheduleList,
  scheduleRun,
  describeScheduledRun,
} from '../../src/service/index.ts';
import type { Clock } from '../../src/shared/index.ts';
import { scheduledRunJobHandlers } from '../../src/triggers/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { eventually } from '../support/wait.ts';

let engine: TestEngine;
const day = 86_400_000;
const farFuture = () => new Date(Date.now() + 365 * day).toISOString();
const clockAt = (ms: number): Clock => ({ now: () => ms }) as Clock;

before(async () => {
  engine = await createTestEngine({ jobHandlers: (deps) => scheduledRunJobHandlers(deps) });
  await engine.deploy({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, 'tick');
});
after(() => engine.close());

async function ids(table: string): Promise<string[]> {
  const rows = await engine.db.sql.unsafe<Array<{ id: string }>>(`select id from nightshift.${table} order by id`);
  return rows.map((r) => r.id);
}

describe('retention of scheduled runs', () => {
  it('removes finished runs scheduled alone and finished lists with all their runs once older than the retention age, and keeps the rest', async () => {
    const deps = engine.deps;
    const started = await scheduleRun(deps, { workflow: 'tick', input: {}, delaySeconds: 0 });
    const cancelled = await scheduleRun(deps, { workflow: 'tick', input: {}, at: farFuture() });
    await cancelScheduled(deps, cancelled.scheduledRunId);
    const waiting = await scheduleRun(deps, { workflow: 'tick', input: {}, at: farFuture() });
    const done = await scheduleList(deps, { workflow: 'tick', items: [{}, {}, {}], intervalSeconds: 0, onComplete: { workflow: 'tick' } });
    const allCancelled = await scheduleList(deps, { workflow: 'tick', items: [{}, {}], startAt: farFuture(), intervalSeconds: 0 });
    await cancelScheduledBy(deps, { batchId: allCancelled.batchId });
    // One item runs now, the other waits a year: the list is not finished, so none of it goes.
    const unfinished = await scheduleList(deps, { workflow: 'tick', items: [{}, {}], intervalSeconds: 365 * 86_400 });
    await eventually(async () => (await describeScheduledRun(deps, started.scheduledRunId)).status === 'STARTED', 'the lone run to start');
    await eventually(async () => (await getBatch(deps, done.batchId)).onComplete?.executionId, 'the list to finish and start its on-complete workflow');
    await eventually(async () => (await getBatch(deps, unfinished.batchId)).succeeded === 1, 'the first item of the long list to end');

    const runsBefore = await ids('scheduled_runs');
    assert.equal(runsBefore.length, 3 + 3 + 2 + 2);
    assert.deepEqual(await removeOldScheduledRuns({ ...deps, clock: clockAt(Date.now() + 29 * day) }, 30, 1), { runs: 0, batches: 0 });
    assert.deepEqual(await ids('scheduled_runs'), runsBefore, 'nothing is 30 days old yet');

    const removed = await removeOldScheduledRuns({ ...deps, clock: clockAt(Date.now() + 31 * day) }, 30, 1);
    assert.deepEqual(removed, { runs: 2 + 3 + 2, batches: 2 });
    const kept = await engine.db.sql<Array<{ id: string; batch_id: string | null }>>`select id, batch_id from nightshift.scheduled_runs order by id`;
    assert.deepEqual(kept.filter((r) => r.batch_id === null).map((r) => r.id), [waiting.scheduledRunId]);
    assert.deepEqual(kept.filter((r) => r.batch_id !== null).map((r) => r.batch_id), [unfinished.batchId, unfinished.batchId]);
    assert.deepEqual(await ids('scheduled_batches'), [unfinished.batchId]);
    await assert.rejects(getBatch(deps, done.batchId), { code: 'BATCH_NOT_FOUND' });
    assert.deepEqual(await removeOldScheduledRuns({ ...deps, clock: clockAt(Date.now() + 31 * day) }, 30), { runs: 0, batches: 0 }, 'a second sweep finds nothing');
  });

  it('can read the finished runs scheduled alone through scheduled_runs_finished_idx and lists through scheduled_batches_created_at_idx', async () => {
    const sql = engine.db.sql;
    // With sequential scans priced out, the planner shows that the index serves the statement (on a
    // table this small it would rightly prefer a scan otherwise).
    const plan = (statement: string) => sql.begin(async (tx) => {
      await tx.unsafe('set local enable_seqscan = off');
      return JSON.stringify(await tx.unsafe(`explain (format json) ${statement}`, [new Date(), 10] as never));
    });
    assert.match(await plan(`select id from nightshift.scheduled_runs where batch_id is null and status <> 'SCHEDULED'
      and coalesce(started_at, cancelled_at) < $1 order by coalesce(started_at, cancelled_at) limit $2`), /scheduled_runs_finished_idx/);
    assert.match(await plan('select id from nightshift.scheduled_batches where created_at < $1 order by created_at limit $2'), /scheduled_batches_created_at_idx/);
  });
});
