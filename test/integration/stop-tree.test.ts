/**
 * Stopping an execution stops what it set going, through the HTTP API against real Postgres: the
 * runs it (or one of its branches) scheduled with workflow:start and a delay are cancelled in the
 * stop's transaction, the executions it started are stopped however deep (and their runs cancelled),
 * its held starts are aborted; what a child that had already ended scheduled is kept.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleRun, startExecution, stopExecution, waitForExecution } from '../../src/service/index.ts';
import { flowControlJobHandlers, scheduledRunJobHandlers } from '../../src/triggers/index.ts';
import { serveAdminApi, type Call } from '../support/api-client.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { until } from '../support/wait.ts';

let engine: TestEngine;
let server: { close(): Promise<void>; call: Call };
let api: Call;

const nap = { Type: 'Wait', Seconds: 3600, End: true };
const startLater = (next: string) => ({ Type: 'Task', Resource: 'workflow:start', Parameters: { workflow: 'later', input: {}, delaySeconds: 3600 }, ResultPath: '$.scheduled', Next: next });
const startNow = (workflow: string, next: string, input: unknown = {}) =>
  ({ Type: 'Task', Resource: 'workflow:start', Parameters: { workflow, input }, ResultPath: '$.child', Next: next });

before(async () => {
  engine = await createTestEngine({ jobHandlers: (deps) => ({ ...scheduledRunJobHandlers(deps), ...flowControlJobHandlers(deps) }) });
  await engine.deploy({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }, 'later');
  await engine.deploy({ StartAt: 'Schedule', States: { Schedule: startLater('Nap'), Nap: nap } }, 'planner');
  await engine.deploy({ StartAt: 'Schedule', States: { Schedule: { ...startLater('x'), Next: undefined, End: true } } }, 'quick-planner');
  await engine.deploy({ StartAt: 'Child', States: { Child: startNow('planner', 'Nap'), Nap: nap } }, 'boss');
  await engine.deploy({
    StartAt: 'Child',
    States: { Child: { Type: 'Task', Resource: 'workflow:start.sync', Parameters: { workflow: 'quick-planner', input: {} }, Next: 'Nap' }, Nap: nap },
  }, 'patient-boss');
  await engine.deploy({
    StartAt: 'Each',
    States: {
      Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Schedule', States: { Schedule: startLater('Nap'), Nap: nap } }, End: true },
    },
  }, 'mapper');
  await engine.deploy({ name: 'one-per-key', flow: { concurrency: { limit: 1, key: '$.k' } }, definition: { StartAt: 'Nap', States: { Nap: nap } } }, 'one-per-key');
  await engine.deploy({ StartAt: 'Child', States: { Child: startNow('one-per-key', 'Nap', { k: 'busy' }), Nap: nap } }, 'held-boss');
  server = await serveAdminApi(engine.deps);
  api = server.call;
});
after(async () => {
  await server.close();
  await engine.close();
});

const start = async (workflow: string, input: unknown = {}) => (await startExecution(engine.deps, { workflow, input: input as never })).executionId;
const stop = async (id: string) => {
  const reply = await api('POST', `/v1/executions/${id}/stop`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body as { status: string };
};

/** The runs scheduled by any row (execution or branch) of the execution `id` belongs to, once there are `count`. */
async function runsOf(id: string, count: number): Promise<Array<{ id: string; status: string; parent_id: string }>> {
  return until(`${count} run(s) scheduled under ${id}`, () => engine.db.sql.unsafe<Array<{ id: string; status: string; parent_id: string }>>(
    `select r.id, r.status, r.parent_id from nightshift.scheduled_runs r join nightshift.executions e on e.id = r.parent_id
     where e.id = $1 or e.owner_id = $1 order by r.created_at`, [id]), (rows) => rows.length === count, 10_000);
}

async function childOf(parentId: string): Promise<string> {
  const [row] = await until('the child execution', () => engine.db.sql.unsafe<Array<{ id: string }>>(
    `select id from nightshift.executions where parent_id = $1 and kind = 'execution'`, [parentId]), (rows) => rows.length === 1, 10_000);
  return row.id;
}

const scheduledStatus = async (runId: string) => (await api('GET', `/v1/scheduled/${runId}`)).body.status as string;

describe('stopping an execution', () => {
  it('cancels the runs it scheduled, with their jobs; the Scheduler no longer lists them', async () => {
    const planner = await start('planner');
    const [run] = await runsOf(planner, 1);
    assert.equal(run.status, 'SCHEDULED');
    assert.equal((await stop(planner)).status, 'ABORTED');
    assert.equal(await scheduledStatus(run.id), 'CANCELLED');
    const jobs = await engine.db.sql.unsafe(`select 1 from nightshift.jobs where dedupe_key = $1`, [`scheduled:${run.id}`]);
    assert.equal(jobs.length, 0);
    const listed = (await api('GET', '/v1/scheduled?workflow=later')).body.items.map((i: { id: string }) => i.id);
    assert.ok(!listed.includes(run.id));
  });

  it('stops the executions it started, however deep, and cancels what they scheduled', async () => {
    const boss = await start('boss');
    const planner = await childOf(boss);
    const [run] = await runsOf(planner, 1);
    await stop(boss);
    const child = await waitForExecution(engine.deps, planner, 5_000);
    assert.deepEqual([child.status, child.cause], ['ABORTED', `Its parent execution ${boss} was stopped`]);
    assert.equal(await scheduledStatus(run.id), 'CANCELLED');
  });

  it('cancels the runs the iterations of a Map scheduled', async () => {
    const mapper = await start('mapper', { items: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    const runs = await runsOf(mapper, 3);
    assert.ok(runs.every((r) => r.parent_id !== mapper), 'each run was scheduled by an iteration (a branch row)');
    await stop(mapper);
    assert.deepEqual(await Promise.all(runs.map((r) => scheduledStatus(r.id))), ['CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  it('keeps the runs a child scheduled when that child had ended on its own', async () => {
    const boss = await start('patient-boss');
    const quick = await childOf(boss);
    assert.equal((await waitForExecution(engine.deps, quick, 5_000)).status, 'SUCCEEDED');
    const [run] = await runsOf(quick, 1);
    await stop(boss);
    assert.equal(await scheduledStatus(run.id), 'SCHEDULED');
    await api('DELETE', `/v1/scheduled/${run.id}`);
  });

  it('aborts the starts it asked for that flow control holds: they never start', async () => {
    const holder = await start('one-per-key', { k: 'busy' });
    const boss = await start('held-boss');
    type Item = { executionId: string; parentId: string };
    const held: Item[] = await until('the held start', async () => (await api('GET', '/v1/executions?held=true&workflow=one-per-key')).body.items,
      (items: Item[]) => items.some((i) => i.parentId === boss), 10_000);
    const heldId = held.find((i) => i.parentId === boss)?.executionId;
    await stop(boss);
    const after = (await api('GET', `/v1/executions/${heldId}`)).body;
    assert.deepEqual([after.status, after.cause], ['ABORTED', `The execution that started it (${boss}) was stopped`]);
    await stop(holder);
    assert.equal((await api('GET', `/v1/executions/${heldId}/history`)).body.items.length, 0, 'it never ran');
  });
});

describe('the stop and the cancellation commit together', () => {
  it('leaves the stop as a job when it cannot be delivered at once: the runs are cancelled already, a worker stops the execution', async () => {
    const planner = await start('planner');
    const [run] = await runsOf(planner, 1);
    const failing = { ...engine.deps, runtime: { ...engine.runtime, startExecution: engine.runtime.startExecution.bind(engine.runtime),
      enqueueEvent: engine.runtime.enqueueEvent.bind(engine.runtime), deliverNow: () => Promise.reject(new Error('this process died')) } };
    await assert.rejects(stopExecution(failing, planner), /this process died/);
    assert.equal(await scheduledStatus(run.id), 'CANCELLED');
    const stopped = await waitForExecution(engine.deps, planner, 10_000);
    assert.deepEqual([stopped.status, stopped.cause], ['ABORTED', 'Stopped by a request']);
  });

  it('refuses what a stopped execution asks for afterwards: a start, a scheduled run, a run that comes due', async () => {
    const planner = await start('planner');
    await runsOf(planner, 1);
    await stop(planner);
    await assert.rejects(startExecution(engine.deps, { workflow: 'later', input: {}, parentId: planner }), { code: 'CONFLICT' });
    await assert.rejects(scheduleRun(engine.deps, { workflow: 'later', input: {}, delaySeconds: 1, parentId: planner }), { code: 'CONFLICT' });
    // A run that slipped through (written by hand here) is refused when it comes due, and cancelled with why.
    const [{ root_id: root }] = await engine.db.sql.unsafe<Array<{ root_id: string }>>(`select root_id from nightshift.executions where id = $1`, [planner]);
    const slipped = '00000000-0000-4000-8000-00000000c0de';
    await engine.db.sql.unsafe(
      `with run as (insert into nightshift.scheduled_runs (id, workflow_name, input, due_at, parent_id, root_id, depth, created_at)
                    values ($1, 'later', '{}', now(), $2, $3, 1, now()) returning id)
       insert into nightshift.jobs (kind, payload, run_at, dedupe_key) select 'scheduled-start', jsonb_build_object('runId', id), now(), 'scheduled:' || id from run`,
      [slipped, planner, root]);
    const refused = await until('the slipped run to be refused', () => api('GET', `/v1/scheduled/${slipped}`), (r) => r.body.status !== 'SCHEDULED', 10_000);
    assert.equal(refused.body.status, 'CANCELLED');
    assert.match(refused.body.error, /^CONFLICT: The execution .* that asked for this start was stopped$/);
  });
});
