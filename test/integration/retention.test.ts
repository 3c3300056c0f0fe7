import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { describeExecution, removeOldExecutions, startExecution, waitForExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
before(async () => {
  engine = await createTestEngine();
});
after(() => engine.close());

describe('retention', () => {
  it('removes stopped executions older than the retention age (children started by workflow:start too), with their branches and all their history, and keeps the rest', async () => {
    await engine.deploy(
      { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } },
      'short',
    );
    await engine.deploy({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } }, 'long');
    await engine.deploy(
      { StartAt: 'Child', States: { Child: { Type: 'Task', Resource: 'workflow:start.sync', Parameters: { workflow: 'short', input: { items: [7, 8] } }, End: true } } },
      'parent',
    );
    const old = await startExecution(engine.deps, { workflow: 'parent', input: {} });
    await waitForExecution(engine.deps, old.executionId, 10_000);
    const sql = engine.db.sql;
    const chain = await sql<Array<{ id: string }>>`select id from nightshift.executions where root_id = ${old.executionId}`;
    assert.equal(chain.length, 4, 'the parent, its child and the child\'s two Map branches');
    const recent = await startExecution(engine.deps, { workflow: 'short', input: { items: [1] } });
    await waitForExecution(engine.deps, recent.executionId, 10_000);
    const running = await startExecution(engine.deps, { workflow: 'long', input: {} });
    await sql`update nightshift.executions set stopped_at = now() - interval '40 days', started_at = now() - interval '40 days'
              where root_id = ${old.executionId}`;
    await sql`update nightshift.executions set started_at = now() - interval '40 days' where id = ${running.executionId}`;

    const removed = await removeOldExecutions(engine.deps, 30, 1);
    assert.equal(removed, 2, 'the parent and the child it started, one batch each');
    await assert.rejects(describeExecution(engine.deps, old.executionId), { code: 'EXECUTION_NOT_FOUND' });
    const leftovers = await sql`select count(*)::int as n from nightshift.executions where root_id = ${old.executionId}`;
    assert.equal(leftovers[0].n, 0, 'branches went with their execution');
    const history = await sql`select count(*)::int as n from nightshift.history_events where execution_id in ${sql(chain.map((r) => r.id))}`;
    assert.equal(history[0].n, 0, 'the history of the execution, its child and the branches went too');
    const kept = await sql`select count(*)::int as n from nightshift.history_events where execution_id = ${recent.executionId}`;
    assert.ok(kept[0].n > 0, 'a recent execution keeps its history');
    assert.equal((await describeExecution(engine.deps, recent.executionId)).status, 'SUCCEEDED');
    assert.equal((await describeExecution(engine.deps, running.executionId)).status, 'RUNNING', 'a running execution is never removed');
  });
});
