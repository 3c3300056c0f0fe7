import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { startExecution, waitForExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

// The engine of the file starts executions (no worker); a worker with a small history limit steps them.
let engine: TestEngine;
let worker: DurableRuntime;
before(async () => {
  engine = await createTestEngine({ concurrency: 0 });
  worker = new DurableRuntime({ sql: engine.db.sql, registry: engine.registry, concurrency: 8, pollMs: 100, maxHistoryEvents: 2_000 });
  await worker.start();
});
after(async () => {
  await worker.stop(2_000);
  await engine.close();
});

describe('the history length limit', () => {
  it('fails an execution whose history reached the limit with States.Runtime, and leaves others alone', async () => {
    // A loop with no way out: every step runs 500 transitions, then goes on in the next step.
    await engine.deploy({
      StartAt: 'Again',
      States: {
        Again: { Type: 'Pass', Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.stop', BooleanEquals: true, Next: 'Done' }], Default: 'Again' },
        Done: { Type: 'Succeed' },
      },
    }, 'endless');
    await engine.deploy({ StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: 'test:echo', End: true } } }, 'short');
    const endless = await startExecution(engine.deps, { workflow: 'endless', input: { stop: false } });
    const short = await startExecution(engine.deps, { workflow: 'short', input: {} });
    const failed = await waitForExecution(engine.deps, endless.executionId, 20_000);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'States.Runtime');
    assert.match(failed.cause ?? '', /limit is 2000 \(limits\.maxHistoryEvents\)/);
    const history = await engine.db.sql<{ type: string }[]>`
      select type from nightshift.history_events where execution_id = ${endless.executionId} order by seq`;
    assert.equal(history.at(-1)?.type, 'ExecutionFailed');
    // Checked before each step: the limit is passed by one step's events at most.
    assert.ok(history.length >= 2_000 && history.length < 2_000 + 1_600, `${history.length} events`);
    assert.equal((await waitForExecution(engine.deps, short.executionId, 20_000)).status, 'SUCCEEDED');
  });
});
