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
});
