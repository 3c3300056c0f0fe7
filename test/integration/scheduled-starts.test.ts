import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { describeScheduledRun, getBatch, scheduleList, scheduleRun, startExecution, waitForExecution } from '../../src/service/index.ts';
import { scheduledRunJobHandlers } from '../../src/triggers/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { until } from '../support/wait.ts';

// Runs are scheduled by an engine that runs no worker; a worker of this file then finds them all due.
let engine: TestEngine;
before(async () => {
  engine = await createTestEngine({ concurrency: 0 });
  await engine.deploy({ StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: 'test:echo', End: true } } }, 'plain');
  await engine.deploy({ StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: 'test:echo', End: true } } }, 'burst');
  await engine.deploy({
    name: 'one-at-a-time',
    flow: { concurrency: { limit: 1 } },
    definition: { StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: 'test:echo', End: true } } },
  }, 'one-at-a-time');
});
after(() => engine.close());

async function withWorker<T>(work: () => Promise<T>): Promise<T> {
  const worker = new DurableRuntime({
    sql: engine.db.sql, registry: engine.registry, concurrency: 64, pollMs: 100, jobHandlers: scheduledRunJobHandlers(engine.deps),
  });
  await worker.start();
  try {
    return await work();
  } finally {
    await worker.stop(2_000);
  }
}

describe('scheduled runs started together', () => {
  it('starts runs that are due together in shared transactions, each counted once in its batch', async () => {
    const list = await scheduleList(engine.deps, { workflow: 'plain', items: Array.from({ length: 60 }, (_, i) => ({ i })), intervalSeconds: 0 });
    const batch = await withWorker(() =>
      until('the batch to finish', () => getBatch(engine.deps, list.batchId), (b) => b.succeeded === 60, 20_000),
    );
    assert.equal(batch.started, 60);
    assert.equal(batch.failed, 0);
    // Rows written by one transaction carry its id as xmin: the starts' first history rows.
    const [row] = await engine.db.sql<{ starts: number; transactions: number }[]>`
      select count(*)::int as starts, count(distinct h.xmin::text)::int as transactions
      from nightshift.history h join nightshift.executions e on e.id = h.execution_id
      where e.workflow_name = 'plain' and h.first_seq = 0 and h.batch -> 'events' -> 0 ->> 'type' = 'ExecutionStarted'`;
    assert.equal(row.starts, 60, 'one execution per run');
    assert.ok(row.transactions <= 10, `60 starts took ${row.transactions} transactions`);
  });

  it('leaves runs with flow control to the one-by-one path, and finds the execution a run already started', async () => {
    const at = new Date(Date.now() - 1_000).toISOString();
    const plain = await Promise.all([1, 2, 3].map((n) => scheduleRun(engine.deps, { workflow: 'plain', input: { n }, at })));
    const held = await Promise.all([1, 2].map((n) => scheduleRun(engine.deps, { workflow: 'one-at-a-time', input: { n }, at })));
    // As after a crash between a start and its bookkeeping: the execution exists, the run still waits.
    const early = await startExecution(engine.deps, { workflow: 'plain', input: { n: 3 }, idempotencyKey: `scheduled:${plain[2].scheduledRunId}` });
    const runs = await withWorker(async () => {
      const views = [];
      for (const r of [...plain, ...held]) {
        views.push(await until('the run to start', () => describeScheduledRun(engine.deps, r.scheduledRunId), (v) => v.status === 'STARTED', 20_000));
      }
      for (const v of views) await waitForExecution(engine.deps, v.executionId as string, 20_000);
      return views;
    });
    assert.equal(runs[2].executionId, early.executionId, 'the run is marked with the execution it started before');
    assert.equal(new Set(runs.map((r) => r.executionId)).size, 5);
  });

  it('starts 2 000 runs due at once across two workers, each exactly once', async () => {
    const count = 2_000;
    const list = await scheduleList(engine.deps, { workflow: 'burst', items: Array.from({ length: count }, (_, i) => ({ i })), intervalSeconds: 0 });
    const workers = ['burst-a', 'burst-b'].map((workerId) => new DurableRuntime({
      sql: engine.db.sql, registry: engine.registry, concurrency: 8, pollMs: 100, workerId, jobHandlers: scheduledRunJobHandlers(engine.deps),
    }));
    await Promise.all(workers.map((w) => w.start()));
    let batch;
    try {
      batch = await until('every run to end', () => getBatch(engine.deps, list.batchId), (b) => b.succeeded === count, 60_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop(2_000)));
    }
    assert.equal(batch.started, count);
    assert.equal(batch.failed, 0);
    const [runs] = await engine.db.sql<{ started: number; executions: number }[]>`
      select count(*) filter (where status = 'STARTED')::int as started, count(distinct execution_id)::int as executions
      from nightshift.scheduled_runs where batch_id = ${list.batchId}`;
    assert.deepEqual(runs, { started: count, executions: count });
    const [started] = await engine.db.sql<{ executions: number; keys: number; transactions: number; jobs: number }[]>`
      select count(*)::int as executions, count(distinct e.idempotency_key)::int as keys, count(distinct h.xmin::text)::int as transactions,
             (select count(*)::int from nightshift.jobs where kind = 'scheduled-start') as jobs
      from nightshift.executions e join nightshift.history h on h.execution_id = e.id and h.first_seq = 0
      where e.workflow_name = 'burst'`;
    assert.equal(started.executions, count, 'one execution per run');
    assert.equal(started.keys, count);
    assert.equal(started.jobs, 0, 'every start job is gone');
    // A claim's runs start together (at most 8 a claim here: 743 transactions measured); one by one would be 2 000.
    assert.ok(started.transactions < count / 2, `${count} starts took ${started.transactions} transactions`);
  });
});
