import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { startExecution, waitForExecution } from '../../src/service/index.ts';
import { newExecutionId } from '../../src/shared/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

// Executions are started by an engine that runs no worker, then worked off by a worker of this file.
let engine: TestEngine;
before(async () => {
  engine = await createTestEngine({ concurrency: 0 });
  await engine.deploy({ StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: 'test:echo', End: true } } }, 'one-task');
});
after(() => engine.close());

async function startMany(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await startExecution(engine.deps, { workflow: 'one-task', input: { i } })).executionId);
  return ids;
}

async function workOff(ids: readonly string[]): Promise<void> {
  const worker = new DurableRuntime({ sql: engine.db.sql, registry: engine.registry, concurrency: 64, pollMs: 100 });
  await worker.start();
  try {
    for (const id of ids) await waitForExecution(engine.deps, id, 20_000);
  } finally {
    await worker.stop(2_000);
  }
}

describe('group commit', () => {
  it('records the results of tasks that finish together in shared transactions, every step still in history', async () => {
    const ids = await startMany(40);
    await workOff(ids);
    // Rows written by one transaction carry its id as xmin.
    const rows = await engine.db.sql<{ status: string; xmin: string; events: number }[]>`
      select e.status, e.xmin::text as xmin, (select count(*)::int from nightshift.history_events h where h.execution_id = e.id) as events
      from nightshift.executions e where e.id = any(${ids as string[]}::uuid[])`;
    assert.equal(rows.length, 40);
    assert.ok(rows.every((r) => r.status === 'SUCCEEDED'));
    const transactions = new Set(rows.map((r) => r.xmin)).size;
    assert.ok(transactions <= 10, `40 executions ended in ${transactions} transactions`);
    const history = await engine.db.sql<{ execution_id: string; types: string[] }[]>`
      select execution_id, array_agg(type order by seq) as types from nightshift.history_events
      where execution_id = any(${ids as string[]}::uuid[]) group by execution_id`;
    for (const h of history) assert.deepEqual(h.types.slice(-3), ['TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });

  it('commits one by one when a batch fails, so one broken execution does not hold back the others', async () => {
    const ids = await startMany(20);
    const [broken] = ids;
    // A snapshot the interpreter cannot step: stepping it throws, which rolls back the whole batch.
    await engine.db.sql`update nightshift.executions set snapshot = '{"status":"RUNNING","frames":"not a list"}' where id = ${broken}`;
    await workOff(ids.slice(1));
    const rows = await engine.db.sql<{ id: string; status: string }[]>`
      select id, status from nightshift.executions where id = any(${ids as string[]}::uuid[])`;
    const byId = new Map(rows.map((r) => [r.id, r.status]));
    assert.equal(byId.get(broken), 'RUNNING');
    for (const id of ids.slice(1)) assert.equal(byId.get(id), 'SUCCEEDED');
    // The broken one's result is not lost: its job was handed back for a later attempt.
    const [job] = await engine.db.sql<{ lease_owner: string | null; attempts: number }[]>`
      select lease_owner, attempts from nightshift.jobs where execution_id = ${broken}`;
    assert.ok(job, 'the job is still there');
    assert.equal(job.lease_owner, null);
  });
});

describe('starts made together', () => {
  it('share transactions, each inserted with its first step', async () => {
    const started = await Promise.all(Array.from({ length: 40 }, (_, i) => startExecution(engine.deps, { workflow: 'one-task', input: { i } })));
    assert.ok(started.every((s) => s.created && s.status === 'RUNNING'));
    const ids = started.map((s) => s.executionId);
    const rows = await engine.db.sql<{ xmin: string; events: number; jobs: number }[]>`
      select e.xmin::text as xmin,
             (select count(*)::int from nightshift.history_events h where h.execution_id = e.id) as events,
             (select count(*)::int from nightshift.jobs j where j.execution_id = e.id) as jobs
      from nightshift.executions e where e.id = any(${ids}::uuid[])`;
    assert.equal(rows.length, 40);
    assert.ok(rows.every((r) => r.events === 3 && r.jobs === 1), 'started, entered the Task, scheduled it; its invoke job waits');
    const transactions = new Set(rows.map((r) => r.xmin)).size;
    assert.ok(transactions <= 10, `40 starts made together took ${transactions} transactions`);
    await workOff(ids);
  });

  it('answer one execution to two starts with the same idempotency key in one group', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => startExecution(engine.deps, { workflow: 'one-task', input: {}, idempotencyKey: 'same-group' })));
    assert.equal(a.executionId, b.executionId);
    assert.deepEqual([a.created, b.created].sort(), [false, true]);
    await workOff([a.executionId]);
  });

  it('start the others when one start of the group fails, and fail that one alone', async () => {
    const version = await engine.db.sql<{ id: string }[]>`select current_version_id as id from nightshift.workflows where name = 'one-task'`;
    const execution = (parentId: string | null) => {
      const id = newExecutionId();
      return {
        id, workflowName: 'one-task', versionId: version[0].id, name: id, mode: 'persistent' as const, input: {}, parentId, rootId: id,
        identity: null, idempotencyKey: null, callbackToken: null, startedAt: new Date(), depth: 0, notifyOnEnd: false,
      };
    };
    // A parent that does not exist breaks the foreign key, and with it the shared transaction.
    const results = await Promise.allSettled([execution(null), execution(newExecutionId()), execution(null)].map((e) => engine.runtime.startExecution(e)));
    assert.equal(results[1].status, 'rejected');
    for (const i of [0, 2]) {
      const result = results[i];
      assert.ok(result.status === 'fulfilled' && result.value.created, `start ${i} was made`);
    }
    await workOff([0, 2].map((i) => (results[i] as PromiseFulfilledResult<{ row: { id: string } }>).value.row.id));
  });
});
