/**
 * Workers compete for one queue: four worker processes share thousands of executions and each
 * resource call happens exactly once; a worker that stops renewing its lease (paused with SIGSTOP,
 * or simply late) loses its task to another, and its late result is not recorded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadWorkflow } from '../../src/asl/index.ts';
import { ResourceRegistry, type ResourceHandler } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { LeaseLost } from '../../src/runtime/durable/commit.ts';
import { runInvokeJob, type InvokeContext } from '../../src/runtime/durable/invoke.ts';
import { MachineCache } from '../../src/runtime/durable/machines.ts';
import { deployWorkflow, describeExecution, startExecution, waitForExecution, type ServiceDeps } from '../../src/service/index.ts';
import { silentLogger, systemClock, type Json } from '../../src/shared/index.ts';
import { claimDueJobs, completeJobs, extendLeases } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { effectsTableDdl, startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';

const singles = 2000;
const fanOuts = 100;
const itemsPerFanOut = 5;

const workflows: Record<string, unknown> = {
  single: { StartAt: 'Record', States: { Record: { Type: 'Task', Resource: 'effect:record', End: true } } },
  'fan-out': {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map', ItemsPath: '$.items', End: true,
        ItemProcessor: { StartAt: 'RecordItem', States: { RecordItem: { Type: 'Task', Resource: 'effect:record', End: true } } },
      },
    },
  },
  stalled: { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: 'effect:slow', End: true } } },
  handoff: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'test:gate', End: true } } },
};

let db: TestDatabase;
let deps: ServiceDeps;
let runtime: DurableRuntime;
const workers: WorkerProcess[] = [];

before(async () => {
  db = await createTestDatabase();
  await db.sql.unsafe(effectsTableDdl);
  // This process starts executions and runs no worker of its own.
  runtime = new DurableRuntime({ sql: db.sql, registry: new ResourceRegistry(), concurrency: 0 });
  deps = { sql: db.sql, runtime, clock: systemClock };
  for (const [name, definition] of Object.entries(workflows)) {
    const { workflow, problems } = loadWorkflow(JSON.stringify(definition), `${name}.json`, { isKnownResource: () => true });
    assert.ok(workflow, JSON.stringify(problems));
    await deployWorkflow(deps, workflow);
  }
});

after(async () => {
  for (const worker of workers) await worker.kill9();
  await runtime?.stop();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function startMany(requests: Array<{ workflow: string; input: Json }>, callers = 16): Promise<string[]> {
  const ids: string[] = new Array(requests.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < requests.length) {
        const i = next++;
        ids[i] = (await startExecution(deps, requests[i])).executionId;
      }
    }),
  );
  return ids;
}

async function stopAll(): Promise<void> {
  for (const worker of workers.splice(0)) await worker.stop();
}

describe('workers competing for one database', () => {
  it('runs each resource call of 2 500 tasks exactly once across four worker processes', { timeout: 120_000 }, async (t) => {
    const started = await Promise.all(
      [1, 2, 3, 4].map((n) => startWorkerProcess({ databaseUrl: db.url, workerId: `competitor-${n}`, concurrency: 32, leaseMs: 2000 })),
    );
    workers.push(...started);
    const began = Date.now();
    const requests = [
      ...Array.from({ length: singles }, (_, i) => ({ workflow: 'single', input: { i } })),
      ...Array.from({ length: fanOuts }, (_, i) => ({ workflow: 'fan-out', input: { items: Array.from({ length: itemsPerFanOut }, (_, k) => ({ i, k })) } })),
    ];
    const ids = await startMany(requests);
    await until('running executions', async () => {
      const [{ n }] = await db.sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from nightshift.executions where status in ('RUNNING', 'PENDING')`);
      return n;
    }, (n) => n === 0, 90_000);
    t.diagnostic(`${requests.length} executions ended ${Date.now() - began} ms after the first start`);

    const unsuccessful = await db.sql.unsafe(
      `select status, error, cause, count(*)::int as n from nightshift.executions where status <> 'SUCCEEDED' group by 1, 2, 3`);
    assert.deepEqual([...unsuccessful], [], 'every execution and branch SUCCEEDED');
    for (const id of ids.slice(-fanOuts)) {
      const view = await describeExecution(deps, id);
      assert.equal((view.output as unknown[]).length, itemsPerFanOut, JSON.stringify(view));
    }

    const tasks = singles + fanOuts * itemsPerFanOut;
    const [effects] = await db.sql.unsafe<Array<{ calls: number; keys: number; matched: number; successes: number }>>(`
      select (select count(*) from public.test_effects)::int as calls,
             (select count(distinct idempotency_key) from public.test_effects)::int as keys,
             (select count(*) from nightshift.history_events h
               where h.type = 'TaskSucceeded'
                 and exists (select 1 from public.test_effects f where f.idempotency_key = h.execution_id::text || ':' || h.state_name || ':0'))::int as matched,
             (select count(*) from nightshift.history_events where type = 'TaskSucceeded')::int as successes`);
    assert.deepEqual(effects, { calls: tasks, keys: tasks, matched: tasks, successes: tasks }, 'one call per idempotency key, one success per call');
    const [{ leftover }] = await db.sql.unsafe<Array<{ leftover: number }>>('select count(*)::int as leftover from nightshift.jobs');
    assert.equal(leftover, 0, 'every job was deleted by the step that finished it');

    const shares = await db.sql.unsafe<Array<{ pid: number; calls: number }>>(
      'select pid, count(*)::int as calls from public.test_effects group by pid order by pid');
    t.diagnostic(`calls per worker: ${shares.map((s) => s.calls).join(', ')}`);
    assert.ok(shares.length >= 2, 'the workers shared the work');
    for (const share of shares) assert.ok(started.some((w) => w.pid === share.pid), 'only the four workers called resources');
    await stopAll();
  });

  it('hands the task of a paused worker (SIGSTOP) to another and ignores its late result after SIGCONT', { timeout: 60_000 }, async () => {
    await stopAll();
    const paused = await startWorkerProcess({ databaseUrl: db.url, workerId: 'paused', concurrency: 4, leaseMs: 2000 });
    workers.push(paused);
    const { executionId } = await startExecution(deps, { workflow: 'stalled', input: { ms: 4000, reportPid: true } });
    await until('the task leased by the first worker', async () => {
      const rows = await db.sql.unsafe('select 1 from nightshift.jobs where execution_id = $1 and kind = $2 and lease_owner = $3', [executionId, 'invoke', paused.workerId]);
      return rows.length;
    }, (n) => n === 1, 10_000);
    await sleep(200); // into the resource's sleep
    paused.child.kill('SIGSTOP');

    const taker = await startWorkerProcess({ databaseUrl: db.url, workerId: 'taker', concurrency: 4, leaseMs: 2000 });
    workers.push(taker);
    const end = await waitForExecution(deps, executionId, 30_000);
    assert.equal(end.status, 'SUCCEEDED', JSON.stringify(end));
    assert.equal((end.output as { pid: number }).pid, taker.pid, 'the result recorded is the one of the worker that took over');
    const [before] = await db.sql.unsafe<Array<{ event_count: number; updated_at: Date }>>(
      'select event_count, updated_at from nightshift.executions where id = $1', [executionId]);

    paused.child.kill('SIGCONT');
    const key = `${executionId}:Slow:0`;
    const calls = await until('the paused worker finishing its call', async () =>
      db.sql.unsafe<Array<{ pid: number }>>('select pid from public.test_effects where idempotency_key = $1 order by id', [key]),
    (rows) => rows.length === 2, 20_000);
    assert.deepEqual(new Set(calls.map((c) => c.pid)), new Set([paused.pid, taker.pid]), 'at least once: both called, with the same idempotency key');
    // A clean stop waits for the paused worker's in-flight job, late result included.
    await paused.stop();
    assert.equal(paused.stderr(), '', 'the late result was dropped quietly (lease lost), not retried');

    const [afterwards] = await db.sql.unsafe<Array<{ event_count: number; updated_at: Date }>>(
      'select event_count, updated_at from nightshift.executions where id = $1', [executionId]);
    assert.deepEqual(afterwards, before, 'the late result changed nothing');
    const [{ successes }] = await db.sql.unsafe<Array<{ successes: number }>>(
      `select count(*)::int as successes from nightshift.history_events where execution_id = $1 and type = 'TaskSucceeded'`, [executionId]);
    assert.equal(successes, 1);
    assert.equal((await describeExecution(deps, executionId)).status, 'SUCCEEDED');
    await stopAll();
  });

  it('rolls back the late step of a worker that stopped renewing its lease (LeaseLost) and records the new holder\'s result once', async () => {
    await stopAll(); // this test plays both workers itself
    const { executionId } = await startExecution(deps, { workflow: 'handoff', input: { n: 1 } });
    const now = Date.now();
    const [job] = await claimDueJobs(db.sql, { workerId: 'late', now: new Date(now), limit: 10, leaseMs: 60_000 });
    assert.equal(job?.executionId, executionId);

    // The late worker's resource call is in progress when its lease runs out and another takes the job.
    let releaseLate: (value: Json) => void = () => {};
    const calls: string[] = [];
    const gate: ResourceHandler = (_input, context) => {
      calls.push(context.idempotencyKey);
      return new Promise<Json>((resolve) => {
        releaseLate = resolve;
      });
    };
    const late = invokeContext('late', gate);
    const lateRun = runInvokeJob(late, job);
    await until('the late call started', async () => calls.length, (n) => n === 1, 5_000);

    const [taken] = await claimDueJobs(db.sql, { workerId: 'new', now: new Date(now + 61_000), limit: 10, leaseMs: 60_000 });
    assert.deepEqual([taken?.id, taken?.attempts], [job.id, 2], 'the expired lease went to another worker');
    assert.deepEqual(await extendLeases(db.sql, 'late', [job.id], 60_000, new Date(now + 61_000)), [], 'the late worker can no longer renew');
    assert.deepEqual(await completeJobs(db.sql, 'late', [job.id]), [], 'nor delete the job');

    releaseLate({ by: 'late' });
    await assert.rejects(lateRun, LeaseLost);
    const midway = await describeExecution(deps, executionId);
    assert.equal(midway.status, 'RUNNING', 'the late step rolled back');
    const [{ n: noSuccess }] = await db.sql.unsafe<Array<{ n: number }>>(
      `select count(*)::int as n from nightshift.history_events where execution_id = $1 and type = 'TaskSucceeded'`, [executionId]);
    assert.equal(noSuccess, 0);

    await runInvokeJob(invokeContext('new', (input) => ({ by: 'new', input })), taken);
    const end = await describeExecution(deps, executionId);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { by: 'new', input: { n: 1 } }]);
    const history = await db.sql.unsafe<Array<{ type: string }>>(
      `select type from nightshift.history_events where execution_id = $1 and type like 'Task%' order by seq`, [executionId]);
    assert.deepEqual(history.map((e) => e.type), ['TaskStateEntered', 'TaskScheduled', 'TaskSucceeded', 'TaskStateExited']);
    assert.deepEqual(calls, [`${executionId}:Call:0`], 'the late call carried the idempotency key the new holder used too');
    const [{ left }] = await db.sql.unsafe<Array<{ left: number }>>('select count(*)::int as left from nightshift.jobs where execution_id = $1', [executionId]);
    assert.equal(left, 0);
  });
});

/** What a worker named `workerId` hands runInvokeJob, with one resource registered as test:gate. */
function invokeContext(workerId: string, handler: ResourceHandler): InvokeContext {
  return {
    sql: db.sql,
    clock: systemClock,
    machines: new MachineCache(),
    workerId,
    registry: new ResourceRegistry().register('test:gate', handler),
    leaseMs: 60_000,
    logger: silentLogger,
    enqueueEvent: async () => {},
  };
}
