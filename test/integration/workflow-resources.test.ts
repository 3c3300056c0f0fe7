import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { describeExecution, executionHistory, listExecutions, startExecution, waitForExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
before(async () => {
  engine = await createTestEngine();
  await engine.deploy({ StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, $.n)' }, End: true } } }, 'double');
  await engine.deploy({ StartAt: 'Fail', States: { Fail: { Type: 'Fail', Error: 'Child.Broke', Cause: 'on purpose' } } }, 'broken');
});
after(() => engine.close());

describe('workflow resources', () => {
  it('workflow:start.sync waits for the child and answers its output', async () => {
    await engine.deploy(
      { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'workflow:start.sync', Parameters: { workflow: 'double', input: { n: 21 } }, End: true } } },
      'parent-sync',
    );
    const parent = await startExecution(engine.deps, { workflow: 'parent-sync', input: {} });
    const end = await waitForExecution(engine.deps, parent.executionId, 10_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { n: 42 }]);
    const children = await listExecutions(engine.deps, { workflow: 'double' });
    const child = children.items.find((c) => c.parentId === parent.executionId);
    assert.ok(child, 'the child records its parent');
    assert.equal(child.rootId, parent.executionId, 'the child joins its parent chain');
  });

  it("workflow:start.sync fails with the child's error, which Catch can handle", async () => {
    await engine.deploy(
      {
        StartAt: 'Call',
        States: {
          Call: { Type: 'Task', Resource: 'workflow:start.sync', Parameters: { workflow: 'broken' }, Catch: [{ ErrorEquals: ['Child.Broke'], Next: 'Handled' }], End: true },
          Handled: { Type: 'Pass', End: true },
        },
      },
      'parent-catch',
    );
    const parent = await startExecution(engine.deps, { workflow: 'parent-catch', input: {} });
    const end = await waitForExecution(engine.deps, parent.executionId, 10_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { Error: 'Child.Broke', Cause: 'on purpose' }]);
  });

  it('workflow:start starts a child without waiting and answers its id', async () => {
    await engine.deploy(
      { StartAt: 'Fire', States: { Fire: { Type: 'Task', Resource: 'workflow:start', Parameters: { workflow: 'double', input: { n: 1 } }, End: true } } },
      'fire-and-forget',
    );
    const parent = await startExecution(engine.deps, { workflow: 'fire-and-forget', input: {} });
    const end = await waitForExecution(engine.deps, parent.executionId, 10_000);
    const childId = (end.output as { executionId: string }).executionId;
    const child = await waitForExecution(engine.deps, childId, 10_000);
    assert.deepEqual([child.status, child.output, child.parentId], ['SUCCEEDED', { n: 2 }, parent.executionId]);
  });

  it('progress:report stores progress on the execution, also from inside a Map iteration', async () => {
    await engine.deploy(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 1,
            ItemProcessor: { StartAt: 'Report', States: { Report: { Type: 'Task', Resource: 'progress:report', Parameters: { 'done.$': 'States.MathAdd($, 1)', total: 3, message: 'working' }, End: true } } },
            End: true,
          },
        },
      },
      'progress',
    );
    const started = await startExecution(engine.deps, { workflow: 'progress', input: { items: [0, 1, 2] } });
    await waitForExecution(engine.deps, started.executionId, 10_000);
    const view = await describeExecution(engine.deps, started.executionId);
    assert.deepEqual(view.progress, { done: 3, total: 3, message: 'working' });
  });

  it('runs a transient execution in memory and records it once, when it ends', async () => {
    const started = await startExecution(engine.deps, { workflow: 'double', input: { n: 5 }, mode: 'transient' });
    assert.equal(started.mode, 'transient');
    const end = await waitForExecution(engine.deps, started.executionId, 10_000);
    assert.deepEqual([end.status, end.output, end.mode], ['SUCCEEDED', { n: 10 }, 'transient']);
    assert.deepEqual(await executionHistory(engine.deps, started.executionId), [], 'no step of a transient execution is written');
  });
  it('records the history of an execution started by workflow:start, with its branches', async () => {
    await engine.deploy(
      {
        StartAt: 'Each',
        States: { Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } }, End: true } },
      },
      'child-map',
    );
    await engine.deploy(
      { StartAt: 'Fire', States: { Fire: { Type: 'Task', Resource: 'workflow:start', Parameters: { workflow: 'child-map', input: { items: [1, 2] } }, End: true } } },
      'starts-child-map',
    );
    const parent = await startExecution(engine.deps, { workflow: 'starts-child-map', input: {} });
    const end = await waitForExecution(engine.deps, parent.executionId, 10_000);
    const childId = (end.output as { executionId: string }).executionId;
    assert.equal((await waitForExecution(engine.deps, childId, 10_000)).status, 'SUCCEEDED');
    const history = await executionHistory(engine.deps, childId);
    const own = history.filter((e) => e.branchId === undefined).map((e) => e.type);
    assert.equal(own[0], 'ExecutionStarted');
    assert.equal(own.at(-1), 'ExecutionSucceeded');
    assert.equal(new Set(history.filter((e) => e.branchId !== undefined).map((e) => e.branchId)).size, 2, 'both Map iterations have their events');
    assert.ok(history.every((e) => e.executionId === childId));
  });
});
