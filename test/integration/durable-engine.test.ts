import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { describeExecution, executionHistory, redriveExecution, sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess, startExecution, stopExecution, waitForExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
before(async () => {
  engine = await createTestEngine();
});
after(() => engine.close());

describe('the durable engine', () => {
  it('runs Pass, Task, Choice, Wait, Map and Parallel states to the end with every step in Postgres', async () => {
    await engine.deploy(
      {
        StartAt: 'Prepare',
        States: {
          Prepare: { Type: 'Pass', Parameters: { 'items.$': 'States.ArrayRange(1, 5, 1)' }, Next: 'Echo' },
          Echo: { Type: 'Task', Resource: 'test:echo', ResultPath: '$.echoed', Next: 'Pause' },
          Pause: { Type: 'Wait', Seconds: 0, Next: 'Each' },
          Each: {
            Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, ResultPath: '$.results',
            ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: 'test:echo', Parameters: { 'n.$': 'States.MathAdd($, $)' }, End: true } } },
            Next: 'Both',
          },
          Both: {
            Type: 'Parallel', ResultPath: '$.both',
            Branches: [
              { StartAt: 'L', States: { L: { Type: 'Pass', Result: 'left', End: true } } },
              { StartAt: 'R', States: { R: { Type: 'Task', Resource: 'test:echo', Parameters: { side: 'right' }, End: true } } },
            ],
            Next: 'Check',
          },
          Check: { Type: 'Choice', Choices: [{ Variable: '$.results[4].n', NumericEquals: 10, Next: 'Done' }], Default: 'Wrong' },
          Wrong: { Type: 'Fail', Error: 'Wrong' },
          Done: { Type: 'Succeed' },
        },
      },
      'tour',
    );
    const started = await startExecution(engine.deps, { workflow: 'tour', input: {} });
    const end = await waitForExecution(engine.deps, started.executionId, 20_000);
    assert.equal(end.status, 'SUCCEEDED', JSON.stringify(end));
    assert.deepEqual((end.output as { results: unknown }).results, [{ n: 2 }, { n: 4 }, { n: 6 }, { n: 8 }, { n: 10 }]);
    assert.deepEqual((end.output as { both: unknown }).both, ['left', { side: 'right' }]);
    const history = await executionHistory(engine.deps, started.executionId);
    assert.equal(history.filter((e) => e.type === 'MapIterationSucceeded').length, 5);
    assert.ok(history.some((e) => e.branchId !== undefined), 'branch events are part of the history');
  });

  it('returns the first execution for a repeated idempotency key and input', async () => {
    await engine.deploy({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, 'once');
    const a = await startExecution(engine.deps, { workflow: 'once', input: { n: 1 }, idempotencyKey: 'k1' });
    const b = await startExecution(engine.deps, { workflow: 'once', input: { n: 1 }, idempotencyKey: 'k1' });
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.executionId, a.executionId);
  });

  it('waits for a task token and goes on when it is answered; a used token is refused', async () => {
    await engine.deploy(
      { StartAt: 'Approve', States: { Approve: { Type: 'Task', Resource: 'test:context.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, End: true } } },
      'approval',
    );
    const registry = engine.registry;
    let token = '';
    registry.register('test:context', (_input, context) => {
      token = context.taskToken ?? '';
      return null;
    });
    const started = await startExecution(engine.deps, { workflow: 'approval', input: {} });
    for (let i = 0; i < 200 && !token; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(token.length >= 40, 'an unguessable token was handed out');
    assert.equal((await describeExecution(engine.deps, started.executionId)).status, 'RUNNING');
    await sendTaskSuccess(engine.deps, token, { approved: true });
    const end = await waitForExecution(engine.deps, started.executionId, 10_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { approved: true }]);
    await assert.rejects(sendTaskSuccess(engine.deps, token, {}), { code: 'TASK_TOKEN_USED' });
    await assert.rejects(sendTaskSuccess(engine.deps, 'forged-token', {}), { code: 'TASK_TOKEN_NOT_FOUND' });
  });

  it('refuses an answer after the state timed out or the execution stopped with TASK_TOKEN_EXPIRED, not TASK_TOKEN_USED', async () => {
    const tokens: string[] = [];
    engine.registry.register('test:remember', (_input, context) => {
      tokens.push(context.taskToken ?? '');
      return null;
    });
    await engine.deploy(
      { StartAt: 'Approve', States: { Approve: { Type: 'Task', Resource: 'test:remember.waitForTaskToken', TimeoutSeconds: 1, End: true } } },
      'approval-timeout',
    );
    await engine.deploy({ StartAt: 'Approve', States: { Approve: { Type: 'Task', Resource: 'test:remember.waitForTaskToken', End: true } } }, 'approval-stopped');
    const timedOut = await startExecution(engine.deps, { workflow: 'approval-timeout', input: {} });
    const end = await waitForExecution(engine.deps, timedOut.executionId, 10_000);
    assert.deepEqual([end.status, end.error], ['FAILED', 'States.Timeout']);
    await assert.rejects(sendTaskSuccess(engine.deps, tokens[0], {}), { code: 'TASK_TOKEN_EXPIRED' });
    await assert.rejects(sendTaskFailure(engine.deps, tokens[0], {}), { code: 'TASK_TOKEN_EXPIRED' });
    await assert.rejects(sendTaskHeartbeat(engine.deps, tokens[0]), { code: 'TASK_TOKEN_EXPIRED' });
    const stopped = await startExecution(engine.deps, { workflow: 'approval-stopped', input: {} });
    for (let i = 0; i < 200 && tokens.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await stopExecution(engine.deps, stopped.executionId);
    assert.equal((await waitForExecution(engine.deps, stopped.executionId, 10_000)).status, 'ABORTED');
    await assert.rejects(sendTaskSuccess(engine.deps, tokens[1], {}), { code: 'TASK_TOKEN_EXPIRED' });
  });

  it('stops a waiting execution as ABORTED and redrives a failed one from the failed state', async () => {
    await engine.deploy({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } }, 'sleepy');
    const sleeping = await startExecution(engine.deps, { workflow: 'sleepy', input: {} });
    const stopped = await stopExecution(engine.deps, sleeping.executionId);
    assert.equal(stopped.status, 'ABORTED');
    const jobs = await engine.db.sql`select count(*)::int as n from nightshift.jobs where execution_id = ${sleeping.executionId}`;
    assert.equal(jobs[0].n, 0, 'the Wait timer job was called off');

    await engine.deploy(
      { StartAt: 'A', States: { A: { Type: 'Pass', Result: 1, ResultPath: '$.a', Next: 'T' }, T: { Type: 'Task', Resource: 'test:flaky', Parameters: { failures: 1 }, End: true } } },
      'flaky',
    );
    const failed = await waitForExecution(engine.deps, (await startExecution(engine.deps, { workflow: 'flaky', input: {} })).executionId, 10_000);
    assert.equal(failed.status, 'FAILED');
    await redriveExecution(engine.deps, failed.executionId);
    const redriven = await waitForExecution(engine.deps, failed.executionId, 10_000);
    assert.equal(redriven.redriveCount, 1);
    assert.equal(redriven.status, 'SUCCEEDED', JSON.stringify(redriven));
  });
});
