import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { startExecution, waitForExecution } from '../../src/service/index.ts';
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
