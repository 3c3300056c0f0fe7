/**
 * Starts that flow control holds, through the HTTP API against real Postgres: listed among
 * executions and in the Scheduler with why they wait, and stopped like executions — a stopped held
 * start ends ABORTED, never starts later, and the workflow's queue moves on.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { waitForExecution } from '../../src/service/index.ts';
import { flowControlJobHandlers, scheduledRunJobHandlers } from '../../src/triggers/index.ts';
import { serveAdminApi, type Call } from '../support/api-client.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { sleep, until } from '../support/wait.ts';

let engine: TestEngine;
let server: { close(): Promise<void>; call: Call };
let api: Call;

const sleeper = {
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: 'test:sleep', Parameters: { 'ms.$': '$.ms' }, ResultPath: null, End: true } },
};
const passer = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };
const startsChild = {
  StartAt: 'Child',
  States: { Child: { Type: 'Task', Resource: 'workflow:start.sync', Parameters: { workflow: 'per-user', 'input.$': '$' }, End: true } },
};

before(async () => {
  engine = await createTestEngine({ jobHandlers: (deps) => ({ ...scheduledRunJobHandlers(deps), ...flowControlJobHandlers(deps) }) });
  await engine.deploy({ name: 'per-user', flow: { concurrency: { limit: 1, key: '$.user' } }, definition: sleeper }, 'per-user');
  await engine.deploy({ name: 'settle', flow: { debounce: { seconds: 0.5, key: '$.doc' } }, definition: passer }, 'settle');
  // A window long enough for the test to stop the start inside it on a slow machine.
  await engine.deploy({ name: 'settle-slowly', flow: { debounce: { seconds: 3, key: '$.doc' } }, definition: passer }, 'settle-slowly');
  await engine.deploy(startsChild, 'parent');
  server = await serveAdminApi(engine.deps);
  api = server.call;
});
after(async () => {
  await server.close();
  await engine.close();
});

const start = async (workflow: string, input: unknown) => {
  const reply = await api('POST', `/v1/workflows/${workflow}/executions`, input);
  assert.ok(reply.status === 201 || reply.status === 200, JSON.stringify(reply.body));
  return reply.body as { executionId: string; waitingReason?: string };
};
const ended = (id: string) => waitForExecution(engine.deps, id, 15_000);
const historyOf = async (id: string) => (await api('GET', `/v1/executions/${id}/history`)).body.items as unknown[];

describe('listing held starts', () => {
  it('lists a held start among executions and in the Scheduler, with why it waits', async () => {
    // The holder runs until the test stops it, so the held start stays held however slow the machine is.
    const holder = await start('per-user', { user: 'u1', ms: 60_000 });
    const held = await start('per-user', { user: 'u1', ms: 1 });
    assert.equal(held.waitingReason, 'concurrency limit 1 reached for key u1');

    const onlyHeld = await api('GET', '/v1/executions?held=true&workflow=per-user');
    assert.deepEqual(onlyHeld.body.items.map((v: any) => [v.executionId, v.status, v.waitingReason]), [
      [held.executionId, 'RUNNING', 'concurrency limit 1 reached for key u1'],
    ]);
    const all = await api('GET', '/v1/executions?workflow=per-user');
    assert.deepEqual(all.body.items.map((v: any) => v.executionId), [held.executionId, holder.executionId], 'newest first, held starts among the rest');
    const paged = await api('GET', '/v1/executions?workflow=per-user&limit=1');
    const second = await api('GET', `/v1/executions?workflow=per-user&limit=1&cursor=${paged.body.nextCursor}`);
    assert.deepEqual([paged.body.items[0].executionId, second.body.items[0].executionId], [held.executionId, holder.executionId]);
    assert.equal((await api('GET', '/v1/executions?workflow=per-user&held=false')).body.items.length, 1);
    assert.equal((await api('GET', '/v1/executions?workflow=per-user&status=SUCCEEDED')).body.items.length, 0);

    const scheduler = await api('GET', '/v1/scheduled?kind=held');
    assert.deepEqual(scheduler.body.items, [{
      kind: 'held', id: held.executionId, workflow: 'per-user', dueAt: null, input: { user: 'u1', ms: 1 }, executionId: held.executionId,
      reason: 'concurrency limit 1 reached for key u1',
    }]);
    assert.equal((await api('POST', `/v1/executions/${holder.executionId}/stop`)).body.status, 'ABORTED');
    assert.equal((await ended(held.executionId)).status, 'SUCCEEDED', 'the holder stopped, the held start is admitted');
    assert.equal((await api('GET', '/v1/executions?held=true')).body.items.length, 0, 'admitted, it is an execution like any other');
  });

  it('shows a debounced start in the Scheduler at the end of its window', async () => {
    const waiting = await start('settle', { doc: 'listed' });
    const [item] = (await api('GET', '/v1/scheduled?kind=held&workflow=settle')).body.items;
    assert.equal(item.executionId, waiting.executionId);
    assert.match(item.reason, /^debounced until .* for key listed$/);
    assert.ok(Date.parse(item.dueAt) > Date.now() - 1_000, 'due when the window ends');
    assert.equal((await ended(waiting.executionId)).status, 'SUCCEEDED');
  });
});

describe('stopping a held start', () => {
  it('ends it ABORTED without a step; it never starts, and the next start of the key runs', async () => {
    const holder = await start('per-user', { user: 'u2', ms: 60_000 });
    const first = await start('per-user', { user: 'u2', ms: 1, n: 1 });
    const next = await start('per-user', { user: 'u2', ms: 1, n: 2 });

    const stopped = await api('POST', `/v1/executions/${first.executionId}/stop`);
    assert.equal(stopped.status, 200);
    assert.deepEqual([stopped.body.status, stopped.body.error, stopped.body.cause], ['ABORTED', 'States.Aborted', 'Stopped by a request']);
    assert.equal(stopped.body.waitingReason, undefined);

    await api('POST', `/v1/executions/${holder.executionId}/stop`);
    assert.equal((await ended(holder.executionId)).status, 'ABORTED');
    assert.equal((await ended(next.executionId)).status, 'SUCCEEDED');
    const after = await api('GET', `/v1/executions/${first.executionId}`);
    assert.deepEqual([after.body.status, after.body.stoppedAt !== null], ['ABORTED', true]);
    assert.deepEqual(await historyOf(first.executionId), [], 'it never ran');
    const again = await api('POST', `/v1/executions/${first.executionId}/stop`);
    assert.deepEqual([again.status, again.body.error.code], [409, 'EXECUTION_NOT_RUNNING']);
  });

  it('stops a debounced start before its window ends: nothing runs for that key', async () => {
    const waiting = await start('settle-slowly', { doc: 'd9', v: 1 });
    const joined = await start('settle-slowly', { doc: 'd9', v: 2 });
    assert.equal(joined.executionId, waiting.executionId);
    assert.equal((await api('POST', `/v1/executions/${waiting.executionId}/stop`, { cause: 'not needed' })).body.status, 'ABORTED');
    await sleep(3_500);
    const rows = await engine.db.sql.unsafe<Array<{ status: string }>>(`select status from nightshift.executions where workflow_name = 'settle-slowly' and input->>'doc' = 'd9'`);
    assert.deepEqual(rows.map((r) => r.status), ['ABORTED']);
    const fresh = await start('settle-slowly', { doc: 'd9', v: 3 });
    assert.notEqual(fresh.executionId, waiting.executionId, 'the key is free again');
    assert.equal((await ended(fresh.executionId)).status, 'SUCCEEDED');
  });

  it('fails the workflow:start.sync task that waits for a held start when that start is stopped', async () => {
    const holder = await start('per-user', { user: 'u3', ms: 60_000 });
    const parent = await start('parent', { user: 'u3', ms: 1 });
    const child = await until('the held child', async () => (await api('GET', '/v1/executions?held=true&workflow=per-user')).body.items[0],
      (item: any) => item?.parentId === parent.executionId, 10_000);
    await api('POST', `/v1/executions/${child.executionId}/stop`);
    const failed = await ended(parent.executionId);
    assert.deepEqual([failed.status, failed.error, failed.cause], ['FAILED', 'States.Aborted', 'Stopped by a request']);
    await api('POST', `/v1/executions/${holder.executionId}/stop`);
    await ended(holder.executionId);
  });

  it('stops a held start from the CLI, and lists held starts there', async () => {
    const holder = await start('per-user', { user: 'u4', ms: 60_000 });
    const held = await start('per-user', { user: 'u4', ms: 1 });
    const project = mkdtempSync(join(tmpdir(), 'nightshift-held-'));
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = engine.db.url;
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: () => {} };
    try {
      assert.equal(await main(['executions', 'ls', '--held', '--dir', project], io), 0);
      assert.match(out.join(''), new RegExp(`${held.executionId} .* held: concurrency limit 1 reached for key u4`));
      assert.equal(await main(['executions', 'stop', held.executionId, '--dir', project], io), 0);
      assert.equal(JSON.parse(out.pop() ?? '{}').status, 'ABORTED');
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
      rmSync(project, { recursive: true, force: true });
    }
    await api('POST', `/v1/executions/${holder.executionId}/stop`);
    assert.equal((await ended(holder.executionId)).status, 'ABORTED');
  });
});
