import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/api/index.ts';
import { main } from '../../src/cli/main.ts';
import {
  cancelScheduled,
  cancelScheduledBy,
  describeExecution,
  describeScheduledRun,
  getBatch,
  listScheduled,
  runNow,
  scheduleList,
  scheduleRun,
  startExecution,
  stopExecution,
  waitForExecution,
  type ScheduledItem,
} from '../../src/service/index.ts';
import { scheduledRunJobHandlers } from '../../src/triggers/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { eventually } from '../support/wait.ts';

let engine: TestEngine;
const hour = 3_600_000;

before(async () => {
  engine = await createTestEngine({ jobHandlers: (deps) => scheduledRunJobHandlers(deps) });
  await engine.deploy({
    name: 'greet',
    parameters: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, n: { type: 'integer' } } },
    definition: { StartAt: 'Hello', States: { Hello: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hi {}', $.name)" }, End: true } } },
  }, 'greet');
  await engine.deploy({
    StartAt: 'Work',
    States: {
      Work: { Type: 'Task', Resource: 'test:sleep', Parameters: { 'ms.$': '$.ms', 'fail.$': '$.fail' }, Next: 'Check' },
      Check: { Type: 'Choice', Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Broken' }], Default: 'Done' },
      Broken: { Type: 'Fail', Error: 'Item.Broken' },
      Done: { Type: 'Succeed' },
    },
  }, 'item');
  await engine.deploy({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, 'batch-done');
});
after(() => engine.close());

async function count(query: string, ...params: unknown[]): Promise<number> {
  const [row] = await engine.db.sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from ${query}`, params as never);
  return row.n;
}

const inFuture = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('scheduled runs', () => {
  it('schedules a run at a time and after a delay; run now starts the far one at once', async () => {
    const later = await scheduleRun(engine.deps, { workflow: 'greet', input: { name: 'Ada' }, at: inFuture(24 * hour) });
    assert.equal(later.created, true);
    assert.ok(Math.abs(Date.parse(later.dueAt) - (Date.now() + 24 * hour)) < 5_000);
    const soon = await scheduleRun(engine.deps, { workflow: 'greet', input: { name: 'Bob' }, delaySeconds: 0.2 });
    const started = await eventually(async () => {
      const run = await describeScheduledRun(engine.deps, soon.scheduledRunId);
      return run.status === 'STARTED' && run;
    }, 'the delayed run to start');
    assert.ok(Date.parse(started.startedAt ?? '') >= Date.parse(soon.dueAt), 'not started before its time');
    const end = await waitForExecution(engine.deps, started.executionId ?? '', 10_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { greeting: 'hi Bob' }]);

    assert.equal((await describeScheduledRun(engine.deps, later.scheduledRunId)).status, 'SCHEDULED');
    const moved = await runNow(engine.deps, later.scheduledRunId);
    assert.deepEqual(moved, { id: later.scheduledRunId, kind: 'scheduled-run', woken: [later.scheduledRunId] });
    const run = await eventually(async () => {
      const r = await describeScheduledRun(engine.deps, later.scheduledRunId);
      return r.endedStatus === 'SUCCEEDED' && r;
    }, 'the run-now run to end');
    assert.equal((await describeExecution(engine.deps, run.executionId ?? '')).output !== null, true);
    assert.equal(await count(`nightshift.executions where idempotency_key = $1`, `scheduled:${later.scheduledRunId}`), 1);
    assert.equal(run.dueAt, later.dueAt, 'run now keeps the due time the run was scheduled for');
    assert.ok(run.runNowAt !== null && Date.parse(run.runNowAt) < Date.parse(later.dueAt), 'and records when it was made due');
    assert.ok(Date.parse(run.startedAt ?? '') >= Date.parse(run.runNowAt), 'beside when it ran');
    assert.equal((await describeScheduledRun(engine.deps, soon.scheduledRunId)).runNowAt, null);
  });

  it('refuses a bad input, an unknown workflow and a request with both or neither time, and dedupes by idempotency key', async () => {
    await assert.rejects(scheduleRun(engine.deps, { workflow: 'greet', input: { name: 7 }, delaySeconds: 60 }), { code: 'INPUT_INVALID' });
    await assert.rejects(scheduleRun(engine.deps, { workflow: 'nope', input: {}, delaySeconds: 60 }), { code: 'WORKFLOW_NOT_FOUND' });
    await assert.rejects(scheduleRun(engine.deps, { workflow: 'greet', input: { name: 'x' } }), { code: 'INPUT_INVALID' });
    await assert.rejects(scheduleRun(engine.deps, { workflow: 'greet', input: { name: 'x' }, at: 'tomorrow' }), { code: 'INPUT_INVALID' });
    const first = await scheduleRun(engine.deps, { workflow: 'greet', input: { name: 'k' }, delaySeconds: 3600, idempotencyKey: 'once' });
    const again = await scheduleRun(engine.deps, { workflow: 'greet', input: { name: 'k' }, delaySeconds: 7200, idempotencyKey: 'once' });
    assert.deepEqual([again.created, again.scheduledRunId, again.dueAt], [false, first.scheduledRunId, first.dueAt]);
    await cancelScheduled(engine.deps, first.scheduledRunId);
  });

  it('names every bad item of a list by its index', async () => {
    const items = [{ name: 'a' }, { name: 1 }, { name: 'c' }, {}];
    await assert.rejects(scheduleList(engine.deps, { workflow: 'greet', items, intervalSeconds: 1 }), (e: Error & { code: string; details: { problems: Array<{ pointer: string }> } }) => {
      assert.equal(e.code, 'INPUT_INVALID');
      assert.match(e.message, /items\[1\]\/name must be string/);
      assert.match(e.message, /items\[3\] must have required property 'name'/);
      assert.deepEqual(e.details.problems.map((p) => p.pointer), ['/items/1/name', '/items/3']);
      return true;
    });
  });

  it('stores 100 000 items in one request within seconds, pages through them in due order and cancels the batch with nothing left due', async () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({ name: `user${i}`, n: i }));
    const startAt = new Date(Date.now() + 10 * hour);
    const t0 = performance.now();
    const batch = await scheduleList(engine.deps, { workflow: 'greet', items, startAt, intervalSeconds: 0.5 });
    const elapsed = performance.now() - t0;
    console.log(`# scheduled 100 000 items in ${elapsed.toFixed(0)} ms`);
    assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
    assert.equal(batch.count, 100_000);
    assert.equal(batch.firstDueAt, startAt.toISOString());
    assert.equal(Date.parse(batch.lastDueAt ?? '') - startAt.getTime(), 99_999 * 500);
    assert.equal(await count(`nightshift.jobs where kind = 'scheduled-start' and run_at >= $1`, startAt), 100_000);

    // Every page in due order, no item twice, none missing.
    let cursor: string | undefined;
    let seen = 0;
    let last = -1;
    const t1 = performance.now();
    do {
      const page = await listScheduled(engine.deps, { batchId: batch.batchId, limit: 500, cursor });
      for (const item of page.items) {
        const n = (item.input as { n: number }).n;
        assert.equal(n, last + 1, 'in due order without gaps');
        last = n;
      }
      seen += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    console.log(`# paged through 100 000 items (500 a page) in ${(performance.now() - t1).toFixed(0)} ms`);
    assert.equal(seen, 100_000);
    const filtered = await listScheduled(engine.deps, { batchId: batch.batchId, inputContains: { name: 'user4242' } });
    assert.deepEqual(filtered.items.map((i) => i.itemIndex), [4242]);

    const t2 = performance.now();
    const { cancelled } = await cancelScheduledBy(engine.deps, { batchId: batch.batchId });
    console.log(`# cancelled 100 000 items in ${(performance.now() - t2).toFixed(0)} ms`);
    assert.equal(cancelled, 100_000);
    assert.equal(await count(`nightshift.jobs where kind = 'scheduled-start'`), 0);
    assert.equal(await count(`nightshift.scheduled_runs where batch_id = $1 and status = 'SCHEDULED'`, batch.batchId), 0);
    const view = await getBatch(engine.deps, batch.batchId);
    assert.deepEqual([view.total, view.scheduled, view.cancelled, view.done, view.started], [100_000, 0, 100_000, true, 0]);
  });

  it('keeps live batch counters and starts the on-complete workflow once', async () => {
    const items = [
      { ms: 300, fail: false }, { ms: 300, fail: true }, { ms: 300, fail: false },
      { ms: 300, fail: true }, { ms: 300, fail: false }, { ms: 300, fail: false, skip: true },
    ];
    const startAt = new Date(Date.now() + hour);
    const batch = await scheduleList(engine.deps, {
      workflow: 'item', items, startAt, intervalSeconds: 0, onComplete: { workflow: 'batch-done', input: { note: 'all done' } },
    });
    assert.deepEqual(pick(await getBatch(engine.deps, batch.batchId)), { scheduled: 6, started: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
    assert.equal((await cancelScheduledBy(engine.deps, { batchId: batch.batchId, inputContains: { skip: true } })).cancelled, 1);
    assert.deepEqual(pick(await getBatch(engine.deps, batch.batchId)), { scheduled: 5, started: 0, running: 0, succeeded: 0, failed: 0, cancelled: 1 });
    const page = await listScheduled(engine.deps, { batchId: batch.batchId });
    for (const item of page.items) await runNow(engine.deps, item.id);
    const running = await eventually(async () => {
      const view = await getBatch(engine.deps, batch.batchId);
      return view.running > 0 && view;
    }, 'items to run');
    assert.ok(running.started >= running.running);
    const done = await eventually(async () => {
      const view = await getBatch(engine.deps, batch.batchId);
      return view.onComplete?.executionId && view;
    }, 'the batch to finish');
    assert.deepEqual(pick(done), { scheduled: 0, started: 5, running: 0, succeeded: 3, failed: 2, cancelled: 1 });
    assert.equal(done.done, true);
    const onComplete = await waitForExecution(engine.deps, done.onComplete?.executionId ?? '', 10_000);
    assert.equal(onComplete.status, 'SUCCEEDED');
    assert.deepEqual(onComplete.input, {
      note: 'all done',
      batch: {
        batchId: batch.batchId, workflow: 'item', ordering: 'parallel', intervalSeconds: 0, startAt: startAt.toISOString(), total: 6,
        scheduled: 0, started: 5, running: 0, succeeded: 3, failed: 2, cancelled: 1, done: true,
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await count(`nightshift.executions where workflow_name = 'batch-done'`), 1, 'started once');
  });

  it('starts item n+1 of a sequential list only when item n has ended', async () => {
    const items = Array.from({ length: 4 }, (_, i) => ({ ms: 150, fail: i === 1 }));
    const batch = await scheduleList(engine.deps, { workflow: 'item', items, intervalSeconds: 0, ordering: 'sequential' });
    await eventually(async () => (await getBatch(engine.deps, batch.batchId)).done, 'the sequential batch to finish');
    const rows = await engine.db.sql.unsafe<Array<{ item_index: number; started_at: Date; stopped_at: Date }>>(
      `select r.item_index, e.started_at, e.stopped_at from nightshift.scheduled_runs r join nightshift.executions e on e.id = r.execution_id
       where r.batch_id = $1 order by r.item_index`,
      [batch.batchId],
    );
    assert.equal(rows.length, 4);
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i].started_at.getTime() >= rows[i - 1].stopped_at.getTime(), `item ${i} started after item ${i - 1} ended (a failure does not stop the list)`);
    }
    assert.deepEqual(pick(await getBatch(engine.deps, batch.batchId)), { scheduled: 0, started: 4, running: 0, succeeded: 3, failed: 1, cancelled: 0 });
  });

  it('goes on with a sequential list when its next item is cancelled', async () => {
    const items = Array.from({ length: 3 }, (_, i) => ({ ms: 50, fail: false, i }));
    const batch = await scheduleList(engine.deps, { workflow: 'item', items, startAt: inFuture(hour), intervalSeconds: 0, ordering: 'sequential' });
    assert.equal((await cancelScheduledBy(engine.deps, { batchId: batch.batchId, inputContains: { i: 0 } })).cancelled, 1);
    const next = (await listScheduled(engine.deps, { batchId: batch.batchId })).items;
    assert.deepEqual(next.map((item) => item.itemIndex), [1, 2]);
    await runNow(engine.deps, next[0].id);
    await eventually(async () => {
      const view = await getBatch(engine.deps, batch.batchId);
      return view.succeeded === 1 && view;
    }, 'item 1 to end');
    // Item 2 keeps its own due time (an hour away): run now brings it forward too.
    assert.deepEqual((await listScheduled(engine.deps, { batchId: batch.batchId })).items.map((item) => item.itemIndex), [2]);
    await runNow(engine.deps, next[1].id);
    await eventually(async () => (await getBatch(engine.deps, batch.batchId)).done, 'the rest of the list to run');
    assert.deepEqual(pick(await getBatch(engine.deps, batch.batchId)), { scheduled: 0, started: 2, running: 0, succeeded: 2, failed: 0, cancelled: 1 });
  });

  it('cancels by workflow, input field and time range, refuses an empty filter, and cancels all', async () => {
    await engine.deploy({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, 'other');
    const at = (h: number) => inFuture(h * hour);
    const ids = {
      a1: await scheduleRun(engine.deps, { workflow: 'greet', input: { name: 'a', n: 1 }, at: at(1) }),
      a2: await scheduleRun(engine.deps, { workflow: 'greet', input: { name: 'a', n: 2 }, at: at(2) }),
      b1: await scheduleRun(engine.deps, { workflow: 'other', input: { user: { id: 1 } }, at: at(3) }),
      b3: await scheduleRun(engine.deps, { workflow: 'other', input: { user: { id: 3 } }, at: at(4) }),
      a3: await scheduleRun(engine.deps, { workflow: 'greet', input: { name: 'a', n: 3 }, at: at(5) }),
    };
    const status = async (key: keyof typeof ids) => (await describeScheduledRun(engine.deps, ids[key].scheduledRunId)).status;
    assert.equal((await cancelScheduledBy(engine.deps, { inputContains: { n: 2 } })).cancelled, 1);
    assert.equal(await status('a2'), 'CANCELLED');
    assert.equal((await cancelScheduledBy(engine.deps, { workflow: 'other', after: at(3.5) })).cancelled, 1);
    assert.equal(await status('b3'), 'CANCELLED');
    assert.equal((await cancelScheduledBy(engine.deps, { inputContains: { user: { id: 1 } }, before: at(3.5), after: at(2.5) })).cancelled, 1);
    assert.equal(await status('b1'), 'CANCELLED');
    assert.equal((await cancelScheduledBy(engine.deps, { workflow: 'greet', before: at(1.5) })).cancelled, 1);
    assert.equal(await status('a1'), 'CANCELLED');
    await assert.rejects(cancelScheduledBy(engine.deps, {}), { code: 'INPUT_INVALID' });
    await assert.rejects(cancelScheduledBy(engine.deps, { all: true, workflow: 'greet' }), { code: 'INPUT_INVALID' });
    const waiting = await count(`nightshift.scheduled_runs where status = 'SCHEDULED'`);
    assert.ok(waiting >= 1);
    assert.equal((await cancelScheduledBy(engine.deps, { all: true })).cancelled, waiting);
    assert.equal(await status('a3'), 'CANCELLED');
    assert.equal(await count(`nightshift.jobs where kind = 'scheduled-start'`), 0);
    await assert.rejects(cancelScheduled(engine.deps, ids.a3.scheduledRunId), { code: 'CONFLICT' });
  });
});

function pick(view: { scheduled: number; started: number; running: number; succeeded: number; failed: number; cancelled: number }) {
  const { scheduled, started, running, succeeded, failed, cancelled } = view;
  return { scheduled, started, running, succeeded, failed, cancelled };
}

describe('the Scheduler view', () => {
  it("shows each branch's own input with its Map index or Parallel branch index", async () => {
    await engine.deploy({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Emails',
              States: {
                Emails: {
                  Type: 'Map', ItemsPath: '$.users',
                  ItemProcessor: { StartAt: 'WaitOneDay', States: { WaitOneDay: { Type: 'Wait', Seconds: 86_400, End: true } } },
                  End: true,
                },
              },
            },
            { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 3 * 86_400, End: true } } },
          ],
          End: true,
        },
      },
    }, 'users-daily');
    const users = [{ email: 'ada@example.com' }, { email: 'bob@example.com' }];
    const started = await startExecution(engine.deps, { workflow: 'users-daily', input: { users } });
    try {
      const items = await eventually(async () => {
        const page = await listScheduled(engine.deps, { kinds: ['wait'], workflow: 'users-daily' });
        return page.items.length === 3 && page.items;
      }, 'three sleeping branches');
      assert.ok(items.every((i) => i.executionId === started.executionId));
      assert.deepEqual(items.map((i) => [i.stateName, i.input, i.branch]), [
        ['WaitOneDay', users[0], { type: 'Map', stateName: 'Emails', index: 0 }],
        ['WaitOneDay', users[1], { type: 'Map', stateName: 'Emails', index: 1 }],
        ['Pause', { users }, { type: 'Parallel', stateName: 'Both', index: 1 }],
      ]);
      const bob = await listScheduled(engine.deps, { kinds: ['wait'], inputContains: { email: 'bob@example.com' } });
      assert.deepEqual(bob.items.map((i) => i.branch?.index), [1], "a branch's own input is searchable");
    } finally {
      await stopExecution(engine.deps, started.executionId);
      assert.equal((await waitForExecution(engine.deps, started.executionId, 10_000)).status, 'ABORTED');
    }
  });

  it('lists executions sleeping in a Wait with their wake time, Map iterations included, and task-token waits', async () => {
    await engine.deploy({ StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 7200, End: true } } }, 'nap');
    await engine.deploy({
      StartAt: 'Each',
      States: {
        Each: { Type: 'Map', ItemsPath: '$.days', ItemProcessor: { StartAt: 'WaitDay', States: { WaitDay: { Type: 'Wait', SecondsPath: '$', End: true } } }, End: true },
      },
    }, 'days');
    engine.registry.register('test:hold', () => null);
    await engine.deploy({
      StartAt: 'Approve',
      States: { Approve: { Type: 'Task', Resource: 'test:hold.waitForTaskToken', TimeoutSeconds: 600, End: true } },
    }, 'approve');
    await engine.deploy({ StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: 'test:hold.waitForTaskToken', End: true } } }, 'ask');
    const t0 = Date.now();
    const nap = await startExecution(engine.deps, { workflow: 'nap', input: { who: 'cat' } });
    const days = await startExecution(engine.deps, { workflow: 'days', input: { days: [86_400, 3 * 86_400] } });
    const approval = await startExecution(engine.deps, { workflow: 'approve', input: {} });
    const ask = await startExecution(engine.deps, { workflow: 'ask', input: {} });
    const items = await eventually(async () => {
      const page = await listScheduled(engine.deps, { kinds: ['wait', 'task-token'] });
      return page.items.length >= 5 && page.items;
    }, 'five waiting items');
    const byKind = (kind: string) => items.filter((i) => i.kind === kind);
    const napItem = byKind('wait').find((i) => i.executionId === nap.executionId) as ScheduledItem;
    assert.equal(napItem.stateName, 'Sleep');
    assert.equal(napItem.workflow, 'nap');
    assert.deepEqual(napItem.input, { who: 'cat' });
    assert.ok(Math.abs(Date.parse(napItem.dueAt ?? '') - (t0 + 7200_000)) < 5_000);
    const dayItems = byKind('wait').filter((i) => i.executionId === days.executionId);
    assert.equal(dayItems.length, 2, 'each sleeping Map iteration');
    assert.deepEqual(dayItems.map((i) => Math.round((Date.parse(i.dueAt ?? '') - t0) / 86_400_000)), [1, 3]);
    const tokens = byKind('task-token');
    assert.deepEqual(tokens.map((i) => i.executionId), [approval.executionId, ask.executionId], 'the expiring token first, the open-ended one last');
    assert.ok(Math.abs(Date.parse(tokens[0].dueAt ?? '') - (t0 + 600_000)) < 5_000);
    assert.equal(tokens[1].dueAt, null);
    assert.deepEqual(items.map((i) => i.kind), ['task-token', 'wait', 'wait', 'wait', 'task-token'], 'in due order: 10 min, 2 h, 1 day, 3 days, never');
    const dueFirst = await listScheduled(engine.deps, { kinds: ['wait'], before: new Date(t0 + 2 * 86_400_000) });
    assert.deepEqual(dueFirst.items.map((i) => i.workflow), ['nap', 'days']);
    const onlyNap = await listScheduled(engine.deps, { workflow: 'nap' });
    assert.deepEqual(onlyNap.items.map((i) => i.id), [nap.executionId]);

    const woken = await runNow(engine.deps, days.executionId);
    assert.equal(woken.woken.length, 2, 'both iterations wake');
    assert.equal((await waitForExecution(engine.deps, days.executionId, 10_000)).status, 'SUCCEEDED');
  });

  it('lists scheduled runs and waits together in due order, page by page', async () => {
    await engine.deploy({ StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 5400, End: true } } }, 'mixed-nap');
    const sleeping = await startExecution(engine.deps, { workflow: 'mixed-nap', input: {} });
    const runs = [];
    for (const h of [1, 2]) runs.push(await scheduleRun(engine.deps, { workflow: 'mixed-nap', input: { h }, at: inFuture(h * hour) }));
    const first = await listScheduled(engine.deps, { workflow: 'mixed-nap', limit: 2 });
    assert.deepEqual(first.items.map((i) => [i.kind, i.id]), [['scheduled-run', runs[0].scheduledRunId], ['wait', sleeping.executionId]]);
    assert.ok(first.nextCursor);
    const second = await listScheduled(engine.deps, { workflow: 'mixed-nap', limit: 2, cursor: first.nextCursor ?? undefined });
    assert.deepEqual(second.items.map((i) => [i.kind, i.id]), [['scheduled-run', runs[1].scheduledRunId]]);
    assert.equal(second.nextCursor, null);
    await cancelScheduledBy(engine.deps, { workflow: 'mixed-nap' });
  });

  it('ends an execution sleeping in a one-year Wait promptly with run now', async () => {
    await engine.deploy({ StartAt: 'Year', States: { Year: { Type: 'Wait', Seconds: 365 * 86_400, Next: 'After' }, After: { Type: 'Pass', Result: 'awake', End: true } } }, 'year');
    const started = await startExecution(engine.deps, { workflow: 'year', input: {} });
    await eventually(async () => (await listScheduled(engine.deps, { workflow: 'year' })).items.length === 1, 'the year-long wait');
    const t0 = Date.now();
    assert.deepEqual(await runNow(engine.deps, started.executionId), { id: started.executionId, kind: 'wait', woken: [started.executionId] });
    const end = await waitForExecution(engine.deps, started.executionId, 5_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', 'awake']);
    assert.ok(Date.now() - t0 < 2_000, 'promptly');
    await assert.rejects(runNow(engine.deps, started.executionId), { code: 'CONFLICT' });
    await assert.rejects(runNow(engine.deps, '00000000-0000-4000-8000-000000000000'), { code: 'SCHEDULED_RUN_NOT_FOUND' });
  });
});

describe('recursive workflows', () => {
  /** Schedules itself again 50 ms later with round + 1; with a Catch, ends quietly when the guard stops it. */
  const loop = (name: string, withCatch: boolean) => ({
    StartAt: 'Again',
    States: {
      Again: {
        Type: 'Task', Resource: 'workflow:start',
        Parameters: { workflow: name, delaySeconds: 0.05, input: { 'round.$': 'States.MathAdd($.round, 1)' } },
        ResultPath: '$.scheduled',
        ...(withCatch
          ? { Catch: [{ ErrorEquals: ['Workflow.ChainLimitExceeded'], ResultPath: '$.stopped', Next: 'Stopped' }], Next: 'Stopped' }
          : { End: true }),
      },
      ...(withCatch ? { Stopped: { Type: 'Pass', End: true } } : {}),
    },
  });

  async function chainOf(workflow: string, expected: number) {
    return eventually(async () => {
      const rows = await engine.db.sql.unsafe<Array<{ id: string; status: string; depth: number; root_id: string; error: string | null; cause: string | null; output: unknown }>>(
        `select id, status, depth, root_id, error, cause, output from nightshift.executions where workflow_name = $1 order by depth`,
        [workflow],
      );
      return rows.length === expected && rows.every((r) => r.status !== 'RUNNING') && rows;
    }, `${expected} rounds of ${workflow}`);
  }

  it('runs a self-scheduling workflow a few rounds, one chain, until the depth limit fails its Task', async () => {
    engine.deps.limits = { maxDepth: 3, maxRunsPerChain: 1_000 };
    try {
      await engine.deploy(loop('again', false), 'again');
      const root = await startExecution(engine.deps, { workflow: 'again', input: { round: 0 } });
      const rows = await chainOf('again', 4);
      assert.deepEqual(rows.map((r) => r.depth), [0, 1, 2, 3]);
      assert.ok(rows.every((r) => r.root_id === root.executionId), 'one chain, one root');
      assert.deepEqual(rows.map((r) => r.status), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED']);
      assert.equal(rows[3].error, 'Workflow.ChainLimitExceeded');
      assert.match(rows[3].cause ?? '', /4 workflow:start hops .* the limit is 3/);
      const scheduled = (rows[0].output as { scheduled: { scheduledRunId: string; dueAt: string } }).scheduled;
      const run = await describeScheduledRun(engine.deps, scheduled.scheduledRunId);
      assert.equal(run.parentId, root.executionId);
      assert.equal(run.executionId, rows[1].id);
    } finally {
      engine.deps.limits = undefined;
    }
  });

  it('stops a chain at its runs budget with an error the workflow can catch', async () => {
    engine.deps.limits = { maxDepth: 100, maxRunsPerChain: 5 };
    try {
      await engine.deploy(loop('budget', true), 'budget');
      await startExecution(engine.deps, { workflow: 'budget', input: { round: 0 } });
      const rows = await chainOf('budget', 5);
      assert.deepEqual(rows.map((r) => r.status), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      const last = rows[4].output as { round: number; stopped: { Error: string; Cause: string } };
      assert.equal(last.round, 4);
      assert.equal(last.stopped.Error, 'Workflow.ChainLimitExceeded');
      assert.match(last.stopped.Cause, /has run 5 executions, its budget of 5/);
    } finally {
      engine.deps.limits = undefined;
    }
  });
});

describe('the scheduler over HTTP', () => {
  const app = () => createApp({ ...engine.deps, auth: { disabled: true } });
  async function request(method: string, path: string, json?: unknown) {
    const response = await app().request(path, { method, headers: json === undefined ? {} : { 'Content-Type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('schedules one run and a list, lists, describes, runs now and cancels', async () => {
    const one = await request('POST', '/v1/workflows/greet/schedule', { input: { name: 'Web' }, delaySeconds: 3600 });
    assert.equal(one.status, 201);
    assert.deepEqual(Object.keys(one.body).sort(), ['dueAt', 'scheduledRunId']);
    const list = await request('POST', '/v1/workflows/greet/schedule', { items: [{ name: 'x', n: 1 }, { name: 'y', n: 2 }], startAt: inFuture(2 * hour), intervalSeconds: 60 });
    assert.equal(list.status, 201);
    assert.equal(list.body.count, 2);
    assert.equal(Date.parse(list.body.lastDueAt) - Date.parse(list.body.firstDueAt), 60_000);

    const page = await request('GET', `/v1/scheduled?workflow=greet&input.n=2`);
    assert.equal(page.status, 200);
    assert.deepEqual(page.body.items.map((i: ScheduledItem) => [i.kind, i.itemIndex]), [['scheduled-run', 1]]);
    const byBatch = await request('GET', `/v1/scheduled?batchId=${list.body.batchId}&limit=1`);
    assert.equal(byBatch.body.items.length, 1);
    assert.ok(byBatch.body.nextCursor);
    const batch = await request('GET', `/v1/batches/${list.body.batchId}`);
    assert.deepEqual([batch.status, batch.body.total, batch.body.scheduled], [200, 2, 2]);

    const described = await request('GET', `/v1/scheduled/${one.body.scheduledRunId}`);
    assert.deepEqual([described.status, described.body.status, described.body.input], [200, 'SCHEDULED', { name: 'Web' }]);
    const now = await request('POST', `/v1/scheduled/${one.body.scheduledRunId}/run-now`);
    assert.deepEqual([now.status, now.body.kind], [200, 'scheduled-run']);
    await eventually(async () => (await describeScheduledRun(engine.deps, one.body.scheduledRunId)).status === 'STARTED', 'the run to start');

    const cancelled = await request('DELETE', `/v1/scheduled/${page.body.items[0].id}`);
    assert.deepEqual([cancelled.status, cancelled.body.status], [200, 'CANCELLED']);
    const again = await request('DELETE', `/v1/scheduled/${page.body.items[0].id}`);
    assert.deepEqual([again.status, again.body.error.code], [409, 'CONFLICT']);
    const rest = await request('POST', '/v1/scheduled/cancel', { batchId: list.body.batchId });
    assert.deepEqual([rest.status, rest.body], [200, { cancelled: 1 }]);
  });

  it('answers 400 naming the bad field, and 404 for an unknown workflow, run or batch', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/v1/workflows/greet/schedule', { input: { name: 'x' } }, 'body.at'],
      ['POST', '/v1/workflows/greet/schedule', { input: { name: 'x' }, delaySeconds: -1 }, 'body.delaySeconds'],
      ['POST', '/v1/workflows/greet/schedule', { input: { name: 'x' }, at: 'soon' }, 'body.at'],
      ['POST', '/v1/workflows/greet/schedule', { items: [{ name: 'x' }] }, 'body.intervalSeconds'],
      ['POST', '/v1/workflows/greet/schedule', { items: [{ name: 'x' }], intervalSeconds: 1, delaySeconds: 5 }, 'body.delaySeconds'],
      ['POST', '/v1/workflows/greet/schedule', { items: [{ name: 'x' }, { name: 2 }], intervalSeconds: 1 }, 'body.items.1.name'],
      ['POST', '/v1/workflows/greet/schedule', { items: [], intervalSeconds: 1 }, 'body.items'],
      ['POST', '/v1/workflows/greet/schedule', { input: { name: 'x' }, delaySeconds: 5, when: 'now' }, 'body.when'],
      ['POST', '/v1/scheduled/cancel', {}, 'body.all'],
      ['POST', '/v1/scheduled/cancel', { all: true, workflow: 'greet' }, 'body.all'],
      ['GET', '/v1/scheduled?colour=red', undefined, 'query.colour'],
      ['GET', '/v1/scheduled?kind=meteor', undefined, 'query.kind'],
    ];
    for (const [method, path, body, field] of cases) {
      const reply = await request(method, path, body);
      assert.equal(reply.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.error.code, 'INPUT_INVALID');
      assert.ok(reply.body.error.details.problems.some((p: { path: string }) => p.path === field), `${field} named in ${JSON.stringify(reply.body.error.details)}`);
    }
    const unknown = await request('POST', '/v1/workflows/nope/schedule', { input: {}, delaySeconds: 5 });
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'WORKFLOW_NOT_FOUND']);
    const noRun = await request('DELETE', '/v1/scheduled/00000000-0000-4000-8000-000000000000');
    assert.deepEqual([noRun.status, noRun.body.error.code], [404, 'SCHEDULED_RUN_NOT_FOUND']);
    const noBatch = await request('GET', '/v1/batches/nope');
    assert.deepEqual([noBatch.status, noBatch.body.error.code], [404, 'BATCH_NOT_FOUND']);
  });

  it('accepts a list of 100 000 items in one request', async () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({ name: `user-with-a-longer-name-${i}`, n: i }));
    const body = JSON.stringify({ items, startAt: inFuture(hour), intervalSeconds: 1 });
    assert.ok(body.length > 1024 * 1024, 'over the 1 MiB cap of other routes');
    const response = await app().request('/v1/workflows/greet/schedule', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    const reply = (await response.json()) as { batchId: string; count: number };
    assert.equal(response.status, 201, JSON.stringify(reply));
    assert.equal(reply.count, 100_000);
    assert.equal((await cancelScheduledBy(engine.deps, { batchId: reply.batchId })).cancelled, 100_000);
  });
});

describe('nightshift schedule and nightshift scheduled', () => {
  it('schedules, lists, runs now and cancels from the command line', async () => {
    const project = mkdtempSync(join(tmpdir(), 'nightshift-scheduled-'));
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = engine.db.url;
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) };
    const run = async (...args: string[]) => {
      out.length = 0;
      const code = await main([...args, '--dir', project], io);
      return { code, text: out.join('') };
    };
    try {
      await engine.deploy({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, 'cli-job');
      const one = await run('schedule', 'cli-job', '--input', '{"user_id": 7}', '--in', '3600');
      assert.equal(one.code, 0, one.text);
      const { scheduledRunId } = JSON.parse(one.text) as { scheduledRunId: string };
      const itemsFile = join(project, 'items.json');
      writeFileSync(itemsFile, JSON.stringify([{ user_id: 1 }, { user_id: 2 }, { user_id: 3 }]));
      const list = await run('schedule', 'cli-job', '--items-file', itemsFile, '--interval', '60', '--start-at', inFuture(2 * hour));
      assert.equal(list.code, 0, list.text);
      const { batchId, count: items } = JSON.parse(list.text) as { batchId: string; count: number };
      assert.equal(items, 3);

      const listed = await run('scheduled', 'ls', '--workflow', 'cli-job', '--json');
      assert.deepEqual((JSON.parse(listed.text).items as ScheduledItem[]).map((i) => i.input), [{ user_id: 7 }, { user_id: 1 }, { user_id: 2 }, { user_id: 3 }]);
      assert.match((await run('scheduled', 'ls', '--batch', batchId)).text, new RegExp(`scheduled-run +cli-job .* batch ${batchId} #2`));
      const where = await run('scheduled', 'ls', '--workflow', 'cli-job', '--where', 'user_id=2', '--json');
      assert.deepEqual((JSON.parse(where.text).items as ScheduledItem[]).map((i) => i.itemIndex), [1]);

      assert.equal((await run('scheduled', 'run-now', scheduledRunId)).code, 0);
      await eventually(async () => (await describeScheduledRun(engine.deps, scheduledRunId)).endedStatus === 'SUCCEEDED', 'the run to end');
      const shown = await run('scheduled', 'show', scheduledRunId);
      assert.equal(JSON.parse(shown.text).status, 'STARTED');

      const byFilter = await run('scheduled', 'cancel', '--batch', batchId, '--where', 'user_id=1');
      assert.deepEqual(JSON.parse(byFilter.text), { cancelled: 1 });
      const batch = await run('scheduled', 'batch', batchId);
      assert.deepEqual([JSON.parse(batch.text).cancelled, JSON.parse(batch.text).scheduled], [1, 2]);
      assert.deepEqual(JSON.parse((await run('scheduled', 'cancel', '--batch', batchId)).text), { cancelled: 2 });
      const refused = await run('scheduled', 'cancel');
      assert.deepEqual([refused.code, /INPUT_INVALID/.test(refused.text)], [2, true]);
      const missing = await run('scheduled', 'show', '00000000-0000-4000-8000-000000000000');
      assert.deepEqual([missing.code, /SCHEDULED_RUN_NOT_FOUND/.test(missing.text)], [3, true]);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
      rmSync(project, { recursive: true, force: true });
    }
  });
});
