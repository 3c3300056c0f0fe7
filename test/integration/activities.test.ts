/**
 * activity:<name> end to end: the worker is a plain HTTP client (fetch) against a real server on
 * loopback, as a worker in any other language would be.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, listen, type ListeningServer } from '../../src/api/index.ts';
import { loadWorkflow } from '../../src/asl/index.ts';
import { createApiKey, deployWorkflow, queueActivityTask, waitForExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

interface Reply {
  status: number;
  body: any;
  ms: number;
}

let engine: TestEngine;
let server: ListeningServer;
/** The worker's key holds only the `tasks` scope: enough to poll and answer, nothing else. */
let workerKey: string;
let starterKey: string;

async function api(path: string, json?: unknown, key: string | null = workerKey): Promise<Reply> {
  const started = Date.now();
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...(json === undefined ? {} : { 'Content-Type': 'application/json' }), ...(key === null ? {} : { Authorization: `Bearer ${key}` }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), ms: Date.now() - started };
}

const poll = (activity: string, body: { workerName?: string; waitSeconds?: number } = {}) => api(`/v1/activities/${activity}/poll`, body);

async function start(workflow: string, input: unknown): Promise<string> {
  const reply = await api(`/v1/workflows/${workflow}/executions`, input, starterKey);
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body.executionId;
}

const activityTask = (activity: string, extra: Record<string, unknown> = {}) => ({
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: `activity:${activity}`, ...extra, End: true } },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  engine = await createTestEngine();
  await engine.deploy(activityTask('resize-image', { Parameters: { 'url.$': '$.url', width: 100 }, HeartbeatSeconds: 1, TimeoutSeconds: 30 }), 'resize');
  await engine.deploy({
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Task', Resource: 'activity:flaky',
        Retry: [{ ErrorEquals: ['Image.Corrupt'], IntervalSeconds: 1, MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['Image.TooLarge'], Next: 'Fallback' }],
        End: true,
      },
      Fallback: { Type: 'Pass', Parameters: { 'fallback.$': '$.Error', 'why.$': '$.Cause' }, End: true },
    },
  }, 'flaky');
  await engine.deploy(activityTask('slow', { TimeoutSeconds: 1 }), 'slow');
  await engine.deploy(activityTask('batch'), 'batch');
  await engine.deploy(activityTask('once'), 'once');
  await engine.deploy(activityTask('queued', { HeartbeatSeconds: 2 }), 'queued');
  const transient = { name: 'in-memory', mode: 'transient', definition: activityTask('memory') };
  const { workflow, problems } = loadWorkflow(JSON.stringify(transient), 'in-memory.json', { isKnownResource: (r) => engine.registry.has(r) });
  assert.ok(workflow, JSON.stringify(problems));
  await deployWorkflow(engine.deps, workflow);
  workerKey = (await createApiKey(engine.deps, { name: 'image worker', role: 'anon', scopes: ['tasks'] })).key;
  starterKey = (await createApiKey(engine.deps, { name: 'app', role: 'anon', scopes: ['start:*'] })).key;
  server = await listen(createApp(engine.deps), { port: 0 });
});

after(async () => {
  await server?.close();
  await engine?.close();
});

describe('activities', () => {
  it('accepts activity:<any name> as a known resource, and nothing after a bare activity: prefix', () => {
    assert.ok(engine.registry.has('activity:resize-image'));
    assert.ok(engine.registry.has('activity:anything.at-all'));
    assert.equal(engine.registry.has('activity:'), false);
    assert.equal(engine.registry.has('activities:resize-image'), false);
  });

  it('hands the waiting task to a polling worker, keeps it alive across heartbeats, and ends the execution with its answer', async () => {
    const executionId = await start('resize', { url: 'https://example.com/cat.png' });
    const task = await poll('resize-image', { workerName: 'worker-1', waitSeconds: 5 });
    assert.equal(task.status, 200);
    assert.deepEqual(task.body.input, { url: 'https://example.com/cat.png', width: 100 });
    assert.equal(typeof task.body.taskToken, 'string');
    const [claim] = await engine.db.sql`select claimed_by, token from nightshift.activity_tasks where execution_id = ${executionId}`;
    assert.deepEqual(claim, { claimed_by: 'worker-1', token: null }, 'the taken task keeps who took it, not its token');
    // HeartbeatSeconds is 1: working for 2.5 s survives only because of the heartbeats.
    for (let i = 0; i < 6; i++) {
      await sleep(400);
      const beat = await api(`/v1/task-tokens/${task.body.taskToken}/heartbeat`);
      assert.equal(beat.status, 200, JSON.stringify(beat.body));
    }
    const done = await api(`/v1/task-tokens/${task.body.taskToken}/success`, { output: { thumbnail: 'cat-100.png' } });
    assert.deepEqual([done.status, done.body], [200, { executionId }]);
    const end = await waitForExecution(engine.deps, executionId, 10_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { thumbnail: 'cat-100.png' }]);
  });

  it('fails the state with States.HeartbeatTimeout when the worker stops heartbeating, and refuses its late answer', async () => {
    const executionId = await start('resize', { url: 'https://example.com/dog.png' });
    const task = await poll('resize-image', { waitSeconds: 5 });
    assert.equal(task.status, 200);
    const end = await waitForExecution(engine.deps, executionId, 10_000);
    assert.deepEqual([end.status, end.error], ['FAILED', 'States.HeartbeatTimeout']);
    const late = await api(`/v1/task-tokens/${task.body.taskToken}/success`, { output: {} });
    assert.deepEqual([late.status, late.body.error.code], [410, 'TASK_TOKEN_EXPIRED']);
  });

  it('counts taking the task as the first heartbeat, however long it waited for a worker', async () => {
    const executionId = await start('queued', {});
    await sleep(1_500);
    const task = await poll('queued', { waitSeconds: 5 });
    assert.equal(task.status, 200);
    // 2.7 s after the task was queued, past HeartbeatSeconds (2) from then, but not from the poll.
    await sleep(1_200);
    const done = await api(`/v1/task-tokens/${task.body.taskToken}/success`, { output: 'late but alive' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const end = await waitForExecution(engine.deps, executionId, 10_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', 'late but alive']);
  });

  it('takes no task for a worker that hung up while it waited', async () => {
    const hangUp = new AbortController();
    const abandoned = fetch(`${server.url}/v1/activities/batch/poll`, {
      method: 'POST', headers: { Authorization: `Bearer ${workerKey}` }, body: JSON.stringify({ waitSeconds: 10 }), signal: hangUp.signal,
    });
    await sleep(300);
    hangUp.abort();
    await abandoned.catch(() => undefined);
    await sleep(300);
    const executionId = await start('batch', { after: 'hang-up' });
    const reply = await poll('batch', { waitSeconds: 5 });
    assert.equal(reply.status, 200, 'the task went to the worker still there');
    assert.deepEqual(reply.body.input, { after: 'hang-up' });
    await api(`/v1/task-tokens/${reply.body.taskToken}/success`, { output: 'ok' });
    assert.equal((await waitForExecution(engine.deps, executionId, 10_000)).status, 'SUCCEEDED');
  });

  it('applies Retry to a worker\'s failure with a new token, refuses the old one, and applies Catch', async () => {
    const executionId = await start('flaky', { n: 1 });
    const first = await poll('flaky', { waitSeconds: 5 });
    assert.equal(first.status, 200);
    const failed = await api(`/v1/task-tokens/${first.body.taskToken}/failure`, { error: 'Image.Corrupt', cause: 'bad bytes' });
    assert.equal(failed.status, 200);
    const second = await poll('flaky', { waitSeconds: 10 });
    assert.equal(second.status, 200, 'the retry is handed out again');
    assert.notEqual(second.body.taskToken, first.body.taskToken);
    assert.deepEqual(second.body.input, { n: 1 });
    const stale = await api(`/v1/task-tokens/${first.body.taskToken}/success`, { output: {} });
    assert.deepEqual([stale.status, stale.body.error.code], [409, 'TASK_TOKEN_USED']);
    await api(`/v1/task-tokens/${second.body.taskToken}/failure`, { error: 'Image.TooLarge', cause: '40 MB' });
    const end = await waitForExecution(engine.deps, executionId, 10_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { fallback: 'Image.TooLarge', why: '40 MB' }]);
  });

  it('answers 204 after the wait when there is nothing to do', async () => {
    const reply = await poll('idle', { waitSeconds: 1 });
    assert.equal(reply.status, 204);
    assert.equal(reply.body, null);
    assert.ok(reply.ms >= 950, `waited ${reply.ms} ms`);
    const immediate = await poll('idle', { waitSeconds: 0 });
    assert.equal(immediate.status, 204);
  });

  it('answers a waiting poll as soon as a task arrives, woken by NOTIFY between its checks', async () => {
    const waiting = poll('batch', { waitSeconds: 15 });
    // The poller checks again after 0.1, 0.3, 0.7, 1.5, 3.1 and 5.1 s: a task queued at 3.3 s would
    // wait 1.8 s for the next check, so an answer within 0.8 s is the notification's doing.
    await sleep(3_300);
    const queuedAt = Date.now();
    const executionId = await start('batch', { early: true });
    const reply = await waiting;
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.input, { early: true });
    assert.ok(Date.now() - queuedAt < 800, `answered ${Date.now() - queuedAt} ms after the start`);
    await api(`/v1/task-tokens/${reply.body.taskToken}/success`, { output: 'ok' });
    assert.equal((await waitForExecution(engine.deps, executionId, 10_000)).status, 'SUCCEEDED');
  });

  it('never hands the same task to two concurrent pollers', async () => {
    const count = 12;
    const taken: Array<{ taskToken: string; input: { i: number } }> = [];
    const worker = async () => {
      for (;;) {
        const reply = await poll('batch', { waitSeconds: 2 });
        if (reply.status === 204) return;
        taken.push(reply.body);
      }
    };
    const workers = Array.from({ length: 5 }, worker);
    const ids = await Promise.all(Array.from({ length: count }, (_, i) => start('batch', { i })));
    await Promise.all(workers);
    assert.equal(taken.length, count);
    assert.equal(new Set(taken.map((t) => t.taskToken)).size, count);
    assert.deepEqual(taken.map((t) => t.input.i).sort((a, b) => a - b), [...Array(count).keys()]);
    for (const t of taken) await api(`/v1/task-tokens/${t.taskToken}/success`, { output: t.input });
    for (const id of ids) assert.equal((await waitForExecution(engine.deps, id, 10_000)).status, 'SUCCEEDED');
  });

  it('does not hand out a task whose state timed out, and drops it', async () => {
    const executionId = await start('slow', {});
    const end = await waitForExecution(engine.deps, executionId, 10_000);
    assert.deepEqual([end.status, end.error], ['FAILED', 'States.Timeout']);
    const [queued] = await engine.db.sql`select count(*)::int as n from nightshift.activity_tasks where activity = 'slow'`;
    assert.equal(queued.n, 1, 'the task had been queued for workers');
    const reply = await poll('slow', { waitSeconds: 0 });
    assert.equal(reply.status, 204);
    const [left] = await engine.db.sql`select count(*)::int as n from nightshift.activity_tasks where activity = 'slow'`;
    assert.equal(left.n, 0);
  });

  it('hands a task out once even when its invoke job is delivered again', async () => {
    const executionId = await start('once', { x: 1 });
    const task = await poll('once', { waitSeconds: 5 });
    assert.equal(task.status, 200);
    await queueActivityTask(engine.deps, { activity: 'once', taskToken: task.body.taskToken, input: { x: 1 }, executionId, stateName: 'Work' });
    assert.equal((await poll('once', { waitSeconds: 0 })).status, 204);
    await api(`/v1/task-tokens/${task.body.taskToken}/success`, { output: null });
    assert.equal((await waitForExecution(engine.deps, executionId, 10_000)).status, 'SUCCEEDED');
  });

  it('refuses a forged token with 404 on every answer', async () => {
    for (const verb of ['success', 'failure', 'heartbeat']) {
      const reply = await api(`/v1/task-tokens/not-a-token/${verb}`, verb === 'success' ? { output: 1 } : undefined);
      assert.deepEqual([reply.status, reply.body.error.code], [404, 'TASK_TOKEN_NOT_FOUND']);
    }
  });

  it('refuses a poll without a key (401) or with a key that may only start workflows (403)', async () => {
    const anonymous = await api('/v1/activities/idle/poll', { waitSeconds: 0 }, null);
    assert.deepEqual([anonymous.status, anonymous.body.error.code], [401, 'UNAUTHORIZED']);
    const starter = await api('/v1/activities/idle/poll', { waitSeconds: 0 }, starterKey);
    assert.deepEqual([starter.status, starter.body.error.code], [403, 'FORBIDDEN']);
  });

  it('refuses a wait beyond 20 seconds and unknown fields with 400', async () => {
    const tooLong = await poll('idle', { waitSeconds: 21 });
    assert.deepEqual([tooLong.status, tooLong.body.error.code], [400, 'INPUT_INVALID']);
    const unknown = await api('/v1/activities/idle/poll', { wait: 1 });
    assert.deepEqual(unknown.body.error.details.problems.map((p: { path: string }) => p.path), ['body.wait']);
  });

  it('fails an activity of a transient execution with a clear cause: no worker could answer it', async () => {
    const executionId = await start('in-memory', {});
    const end = await waitForExecution(engine.deps, executionId, 10_000);
    assert.equal(end.status, 'FAILED');
    assert.match(end.cause ?? '', /persistent execution/);
  });
});
