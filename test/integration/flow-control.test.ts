import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../src/asl/index.ts';
import { describeExecution, startExecution, stopExecution, waitForExecution, type ExecutionView } from '../../src/service/index.ts';
import { flowControlJobHandlers, scheduledRunJobHandlers } from '../../src/triggers/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { eventually } from '../support/wait.ts';

let engine: TestEngine;

/** Sleeps `$.ms`, then answers its input. */
const sleeper = {
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: 'test:sleep', Parameters: { 'ms.$': '$.ms' }, ResultPath: null, End: true } },
};
const passer = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };

before(async () => {
  engine = await createTestEngine({ jobHandlers: (deps) => ({ ...scheduledRunJobHandlers(deps), ...flowControlJobHandlers(deps) }) });
  await engine.deploy({ name: 'per-user', flow: { concurrency: { limit: 1, key: '$.user' } }, definition: sleeper }, 'per-user');
  await engine.deploy({ name: 'single', flow: { singleton: { key: '$.account.id' } }, definition: sleeper }, 'single');
  await engine.deploy({ name: 'limited', flow: { rateLimit: { limit: 2, periodSeconds: 1 } }, definition: passer }, 'limited');
  await engine.deploy({ name: 'urgent', flow: { priority: 7 }, definition: { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } } } }, 'urgent');
  await engine.deploy({ name: 'settle', flow: { debounce: { seconds: 0.5, key: '$.doc' } }, definition: passer }, 'settle');
});
after(() => engine.close());

const start = (workflow: string, input: unknown, extra: { idempotencyKey?: string } = {}) =>
  startExecution(engine.deps, { workflow, input: input as never, ...extra });
const ended = (id: string) => eventually(async () => {
  const view = await describeExecution(engine.deps, id);
  return view.status !== 'RUNNING' && view;
}, `execution ${id} to end`);

async function historyCount(id: string): Promise<number> {
  const [row] = await engine.db.sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from nightshift.history_events where execution_id = $1`, [id]);
  return row.n;
}

describe('concurrency per key', () => {
  it('runs two starts of the same user one after the other, and another user at once', async () => {
    const first = await start('per-user', { user: 'u1', ms: 400 });
    const second = await start('per-user', { user: 'u1', ms: 10 });
    const other = await start('per-user', { user: 'u2', ms: 10 });
    assert.equal(first.waitingReason, undefined);
    assert.equal(second.status, 'RUNNING');
    assert.equal(second.waitingReason, 'concurrency limit 1 reached for key u1');
    assert.ok(second.waitingSince);
    assert.equal(other.waitingReason, undefined);
    assert.equal(await historyCount(second.executionId), 0, 'the waiting start has run no step');

    const shown = await describeExecution(engine.deps, second.executionId);
    assert.equal(shown.waitingReason, 'concurrency limit 1 reached for key u1');
    assert.equal((await ended(other.executionId)).status, 'SUCCEEDED');
    const firstEnd = await ended(first.executionId);
    const secondEnd = await ended(second.executionId);
    assert.equal(secondEnd.status, 'SUCCEEDED');
    assert.equal(secondEnd.waitingReason, undefined);
    assert.ok(Date.parse(secondEnd.startedAt) >= Date.parse(firstEnd.stoppedAt!), 'the second started after the first ended');
  });

  it('answers a second start with the same idempotency key while it waits', async () => {
    const holder = await start('per-user', { user: 'u3', ms: 300 });
    const waiting = await start('per-user', { user: 'u3', ms: 1 }, { idempotencyKey: 'k-1' });
    const again = await start('per-user', { user: 'u3', ms: 1 }, { idempotencyKey: 'k-1' });
    assert.equal(again.executionId, waiting.executionId);
    assert.equal(again.created, false);
    await ended(holder.executionId);
    assert.equal((await ended(waiting.executionId)).status, 'SUCCEEDED');
  });
});

describe('singleton', () => {
  it('lets at most one run per key and names the running one', async () => {
    const a = await start('single', { account: { id: 7 }, ms: 300 });
    const b = await start('single', { account: { id: 7 }, ms: 1 });
    const c = await start('single', { account: { id: 8 }, ms: 1 });
    assert.equal(b.waitingReason, `singleton running: ${a.executionId} for key 7`);
    assert.equal(c.waitingReason, undefined);
    const aEnd = await ended(a.executionId);
    const bEnd = await ended(b.executionId);
    assert.ok(Date.parse(bEnd.startedAt) >= Date.parse(aEnd.stoppedAt!));
  });
});

describe('rate limit', () => {
  it('admits 2 per second and the rest when the window opens', async () => {
    const t0 = Date.now();
    const views: ExecutionView[] = [];
    for (let i = 0; i < 5; i++) views.push(await start('limited', { i }));
    assert.deepEqual(views.map((v) => v.waitingReason === undefined), [true, true, false, false, false]);
    assert.match(views[2].waitingReason!, /^rate limit 2\/1s reached; next at /);
    const ends = await Promise.all(views.map((v) => ended(v.executionId)));
    assert.ok(ends.every((v) => v.status === 'SUCCEEDED'));
    const startedAfter = ends.map((v) => Date.parse(v.startedAt) - t0);
    // Loosely: the third and fourth not before the first window closed, the fifth not before the second.
    assert.ok(startedAfter[2] >= 900 && startedAfter[3] >= 900, `${startedAfter}`);
    assert.ok(startedAfter[4] >= 1800, `${startedAfter}`);
  });
});

describe('debounce', () => {
  it('runs one execution with the last input of three starts within the window', async () => {
    const a = await start('settle', { doc: 'd1', v: 1 });
    const b = await start('settle', { doc: 'd1', v: 2 });
    const other = await start('settle', { doc: 'd2', v: 9 });
    const c = await start('settle', { doc: 'd1', v: 3 });
    assert.equal(b.executionId, a.executionId);
    assert.equal(c.executionId, a.executionId);
    assert.notEqual(other.executionId, a.executionId);
    assert.match(c.waitingReason!, /^debounced until .* for key d1$/);
    const done = await waitForExecution(engine.deps, a.executionId, 10_000);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(done.output, { doc: 'd1', v: 3 });
    const [row] = await engine.db.sql.unsafe<Array<{ n: number }>>(
      `select count(*)::int as n from nightshift.executions where workflow_name = 'settle' and input->>'doc' = 'd1'`);
    assert.equal(row.n, 1);
    assert.equal((await ended(other.executionId)).status, 'SUCCEEDED');
  });
});

describe('priority', () => {
  it('gives the jobs of a workflow its flow.priority, and starts it at once', async () => {
    const view = await start('urgent', {});
    assert.equal(view.waitingReason, undefined);
    const jobs = await engine.db.sql.unsafe<Array<{ priority: number }>>(`select priority from nightshift.jobs where execution_id = $1`, [view.executionId]);
    assert.deepEqual(jobs.map((j) => j.priority), [7]);
    await stopExecution(engine.deps, view.executionId);
  });
});

describe('the flow block of a workflow file', () => {
  it('reports every bad field with its pointer', () => {
    const file = JSON.stringify({
      name: 'bad-flow',
      flow: { concurrency: { limit: 0, key: 'user' }, rateLimit: { limit: 2 }, debounce: 'soon', priority: 1.5, singelton: {} },
      definition: passer,
    }, null, 2);
    const { workflow, problems } = loadWorkflow(file, 'bad-flow.json');
    assert.equal(workflow, null);
    assert.deepEqual(problems.map((p) => [p.pointer, p.code]).sort(), [
      ['/flow/concurrency/key', 'PATH_INVALID'],
      ['/flow/concurrency/limit', 'NUMBER_OUT_OF_RANGE'],
      ['/flow/debounce', 'FIELD_TYPE'],
      ['/flow/priority', 'NUMBER_OUT_OF_RANGE'],
      ['/flow/rateLimit', 'FIELD_REQUIRED'],
      ['/flow/singelton', 'FIELD_UNKNOWN'],
    ]);
    assert.match(problems.find((p) => p.pointer === '/flow/singelton')!.message, /singleton/);
    assert.ok(problems.every((p) => p.line !== undefined));
  });

  it('keeps a valid flow block in the deployed metadata', () => {
    const { workflow, problems } = loadWorkflow(JSON.stringify({ flow: { priority: 5, singleton: {} }, definition: passer }), 'ok-flow.json');
    assert.deepEqual(problems, []);
    assert.deepEqual(workflow?.flow, { priority: 5, singleton: {} });
  });
});
