/**
 * Step results are written without a row lock held while stepping (runtime/durable/unlocked.ts): the
 * row is read, stepped in memory, and saved only if it is still the version read. These tests put a
 * concurrent writer between the read and the write, and check that nothing it wrote is lost and that
 * nothing is recorded twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResourceRegistry, type ResourceHandler } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { startExecution, waitForExecution } from '../../src/service/index.ts';
import { silentLogger, type Json } from '../../src/shared/index.ts';
import { claimDueJobs, readRowsForStep, saveUnlockedSteps } from '../../src/store/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { eventually } from '../support/wait.ts';

let engine: TestEngine;
before(async () => {
  engine = await createTestEngine({ concurrency: 0 });
  // Known to the deploying engine (which runs no worker); each test's worker has its own gate.
  engine.registry.register('test:gate', () => null);
  await engine.deploy({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'test:gate', End: true } } }, 'gated');
});
after(() => engine.close());

/** A resource that answers when the test opens it. */
function gate(): { handler: ResourceHandler; called: Promise<void>; open(value: Json): void } {
  let open: (value: Json) => void = () => {};
  const opened = new Promise<Json>((resolve) => (open = resolve));
  let called: () => void = () => {};
  const calledPromise = new Promise<void>((resolve) => (called = resolve));
  return { handler: () => (called(), opened), called: calledPromise, open: (value) => open(value) };
}

async function historyTypes(id: string): Promise<string[]> {
  const rows = await engine.db.sql<{ type: string }[]>`select type from nightshift.history_events where execution_id = ${id} order by seq`;
  return rows.map((r) => r.type);
}

describe('unlocked steps', () => {
  it('step a row again under its lock when another transaction changed it between the read and the write', async () => {
    const { handler, called, open } = gate();
    const worker = new DurableRuntime({
      sql: engine.db.sql, registry: new ResourceRegistry().register('test:gate', handler), logger: silentLogger, concurrency: 4, pollMs: 100,
    });
    await worker.start();
    try {
      const { executionId } = await startExecution(engine.deps, { workflow: 'gated', input: { n: 1 } });
      await called;
      // A concurrent writer (as a stop would) changes the row and holds it until the worker's write waits for it.
      const writer = engine.db.sql.begin(async (tx) => {
        await tx`update nightshift.executions set status = 'ABORTED', stopped_at = now(), error = 'Stopped', updated_at = now() where id = ${executionId}`;
        open({ done: true });
        await eventually(async () => {
          const [{ waiting }] = await engine.db.sql<{ waiting: number }[]>`
            select count(*)::int as waiting from pg_stat_activity where wait_event_type = 'Lock' and query like '%nightshift.executions e%'`;
          return waiting > 0;
        }, 'the worker waiting on the row');
      });
      await writer;
      await eventually(async () => (await engine.db.sql`select 1 from nightshift.jobs where execution_id = ${executionId}`).length === 0, 'the job done');
      const [row] = await engine.db.sql<{ status: string; error: string }[]>`select status, error from nightshift.executions where id = ${executionId}`;
      assert.deepEqual(row, { status: 'ABORTED', error: 'Stopped' }, 'the concurrent write was not overwritten');
      assert.deepEqual(await historyTypes(executionId), ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled'], 'the late result was not recorded');
    } finally {
      open(null);
      await worker.stop(2_000);
    }
  });

  it('hands each claimed invoke job its execution row as it is, with the version an unlocked step checks', async () => {
    const { executionId } = await startExecution(engine.deps, { workflow: 'gated', input: { n: 7 } });
    const claimed = await claimDueJobs(engine.db.sql, { workerId: 'claimer', now: new Date(Date.now() + 1000), limit: 100, leaseMs: 60_000 });
    const job = claimed.find((j) => j.executionId === executionId);
    assert.ok(job?.execution, 'the row came with the job');
    const [row] = await engine.db.sql<{ xmin: string }[]>`select xmin::text as xmin from nightshift.executions where id = ${executionId}`;
    assert.equal(job.execution.version, row.xmin);
    const read = (await readRowsForStep(engine.db.sql, [executionId])).get(executionId)!;
    assert.deepEqual(job.execution, read, 'the same row as a read for the step gives');
    await engine.db.sql`update nightshift.jobs set lease_owner = null, lease_expires_at = null where lease_owner = 'claimer'`;
  });

  it('writes nothing for a step whose row changed or whose job another worker holds, and everything for the others', async () => {
    const ids = await Promise.all([1, 2, 3].map(async (n) => (await startExecution(engine.deps, { workflow: 'gated', input: { n } })).executionId));
    const jobs = await engine.db.sql<{ id: number; execution_id: string }[]>`
      update nightshift.jobs set lease_owner = 'me', lease_expires_at = now() + interval '1 minute'
      where execution_id = any(${ids}::uuid[]) returning id, execution_id`;
    const jobOf = new Map(jobs.map((j) => [j.execution_id, Number(j.id)]));
    const read = await readRowsForStep(engine.db.sql, ids);
    const [kept, changed, takenOver] = ids;
    await engine.db.sql`update nightshift.executions set progress = '{"done":1}' where id = ${changed}`;
    await engine.db.sql`update nightshift.jobs set lease_owner = 'someone else' where id = ${jobOf.get(takenOver)!}`;
    const now = new Date();
    const steps = ids.map((id) => ({
      version: read.get(id)!.version,
      jobIds: [jobOf.get(id)!],
      write: {
        id, firstSeq: 3, events: [{ type: 'ExecutionSucceeded', stateName: null, details: { format: 1 }, at: now.getTime() }],
        update: { status: 'SUCCEEDED' as const, snapshot: read.get(id)!.row.snapshot!, output: null, error: null, cause: null, eventCount: 4, stoppedAt: now, updatedAt: now },
      },
      jobs: [{ kind: 'step', executionId: id, runAt: now, payload: { marker: true } }],
    }));
    const { saved } = await saveUnlockedSteps(engine.db.sql, 'me', steps);
    assert.deepEqual([...saved.keys()], [kept]);
    const rows = await engine.db.sql<{ id: string; status: string; jobs: number; marked: number; batches: number }[]>`
      select e.id, e.status,
        (select count(*)::int from nightshift.jobs j where j.execution_id = e.id and j.kind = 'invoke') as jobs,
        (select count(*)::int from nightshift.jobs j where j.execution_id = e.id and j.payload ? 'marker') as marked,
        (select count(*)::int from nightshift.history h where h.execution_id = e.id) as batches
      from nightshift.executions e where e.id = any(${ids}::uuid[])`;
    const byId = new Map(rows.map((r) => [r.id, r]));
    assert.deepEqual(byId.get(kept), { id: kept, status: 'SUCCEEDED', jobs: 0, marked: 1, batches: 2 });
    for (const id of [changed, takenOver]) assert.deepEqual(byId.get(id), { id, status: 'RUNNING', jobs: 1, marked: 0, batches: 1 });
  });
});
