/**
 * The 256 KiB payload limit is checked before anything is stored, at every entry point that keeps a
 * caller's data for later: starts, scheduled runs, lists (and their onComplete input), events,
 * schedules, and task answers (an activity worker answers through the same routes). Each refusal is
 * 413 PAYLOAD_TOO_LARGE with a pointer to the value in the request, and nothing is written.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, listen, type ListeningServer } from '../../src/api/index.ts';
import { createApiKey, sendTaskFailure } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
let server: ListeningServer;
let key = '';

const big = { blob: 'x'.repeat(300 * 1024) };

async function post(path: string, json: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(json),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

const everyTable = ['executions', 'scheduled_runs', 'scheduled_batches', 'schedules', 'jobs', 'flow_waits', 'history_events'];

/** Rows of every table a refused request could have written to. */
async function stored(tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await engine.db.sql.unsafe(`select count(*)::int as n from nightshift.${table}`);
    counts[table] = row.n;
  }
  return counts;
}

/** `request` answers 413 PAYLOAD_TOO_LARGE pointing at `pointer`, and writes nothing. */
async function refusedBeforeStorage(pointer: string, request: () => Promise<{ status: number; body: any }>, tables = everyTable): Promise<void> {
  const before = await stored(tables);
  const reply = await request();
  assert.equal(reply.status, 413, JSON.stringify(reply.body)?.slice(0, 300));
  assert.equal(reply.body.error.code, 'PAYLOAD_TOO_LARGE');
  assert.equal(reply.body.error.details.pointer, pointer);
  assert.deepEqual(await stored(tables), before, 'nothing was stored');
}

before(async () => {
  engine = await createTestEngine();
  const echo = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } };
  await engine.deploy({ name: 'echo', triggers: [{ http: {} }, { event: 'thing.happened' }], definition: echo }, 'echo');
  await engine.deploy({ name: 'worker', definition: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'activity:crunch', End: true } } } }, 'worker');
  key = (await createApiKey(engine.deps, { name: 'limits', role: 'authenticated', scopes: ['admin'] })).key;
  server = await listen(createApp({ ...engine.deps }), { port: 0 });
});

after(async () => {
  await server?.close();
  await engine?.close();
});

describe('the payload limit, checked before anything is stored', () => {
  it('refuses a start whose input is over 256 KiB', async () => {
    await refusedBeforeStorage('', () => post('/v1/workflows/echo/executions', big));
  });

  it('refuses a scheduled run whose input is over 256 KiB instead of accepting it and cancelling it when due', async () => {
    await refusedBeforeStorage('/input', () => post('/v1/workflows/echo/schedule', { input: big, delaySeconds: 3600 }));
  });

  it('refuses a list with an item over 256 KiB with 413 naming the item, and an onComplete input over it', async () => {
    const items = [{ n: 0 }, { n: 1 }, { n: 2 }, big, { n: 4 }];
    await refusedBeforeStorage('/items/3', () => post('/v1/workflows/echo/schedule', { items, intervalSeconds: 60 }));
    const reply = await post('/v1/workflows/echo/schedule', { items: [big, { n: 1 }, big], intervalSeconds: 60 });
    assert.deepEqual(reply.body.error.details.problems.map((p: { pointer: string }) => p.pointer), ['/items/0', '/items/2']);
    await refusedBeforeStorage('/onComplete/input', () =>
      post('/v1/workflows/echo/schedule', { items: [{ n: 0 }], intervalSeconds: 0, onComplete: { workflow: 'echo', input: big } }));
  });

  it('refuses an event payload over 256 KiB', async () => {
    await refusedBeforeStorage('', () => post('/v1/events/thing.happened', big));
  });

  it('refuses a schedule whose input is over 256 KiB', async () => {
    await refusedBeforeStorage('/input', () => post('/v1/schedules', { workflow: 'echo', every: '1h', input: big }));
  });

  it("refuses a task's answer over 256 KiB, and the token still takes a good answer", async () => {
    const started = await post('/v1/workflows/worker/executions', {});
    assert.equal(started.status, 201);
    const task = await post('/v1/activities/crunch/poll', { waitSeconds: 10 });
    assert.equal(task.status, 200);
    const token = task.body.taskToken as string;
    // The heartbeat that taking the task counts as may still be delivered (a job): jobs are left out.
    await refusedBeforeStorage('/output', () => post(`/v1/task-tokens/${token}/success`, { output: big }), ['executions', 'history_events']);
    const [open] = await engine.db.sql`select used_at from nightshift.task_tokens`;
    assert.equal(open.used_at, null, 'the token was not used up');
    const huge = 'y'.repeat(300 * 1024);
    await assert.rejects(sendTaskFailure(engine.deps, token, { error: 'Crunch.Failed', cause: huge }), (e: any) => {
      assert.equal(e.code, 'PAYLOAD_TOO_LARGE');
      assert.equal(e.details.pointer, '/cause');
      return true;
    });
    const answered = await post(`/v1/task-tokens/${token}/success`, { output: { ok: true } });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
  });
});
