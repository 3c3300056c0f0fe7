/**
 * Workers compete for one queue: four worker processes share thousands of executions and each
 * resource call happens exactly once; a worker that stops renewing its lease (paused with SIGSTOP,
 * or simply late) loses its task to another, and its late result is not recorded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResourceRegistry, type ResourceHandler } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { describeExecution, startExecution, waitForExecution, type ServiceDeps } from '../../src/service/index.ts';
import { silentLogger, type Json } from '../../src/shared/index.ts';
import { extendLeases } from '../../src/store/index.ts';
import type { TestDatabase } from '../support/database.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';
import { sleep, until } from '../support/wait.ts';
import { createStarter, type Starter } from '../support/starter.ts';

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

let starter: Starter;
let db: TestDatabase;
let deps: ServiceDeps;
let workers: WorkerProcess[];

before(async () => {
  // This process starts executions and runs no worker of its own.
  starter = await createStarter(workflows, () => true);
  ({ db, deps, workers } = starter);
});

after(() => starter?.close());


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
    assert.equal(shares.length, 4, 'all four workers got work');
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

  it('rolls back the late step of a worker whose lease ran out (LeaseLost) and records the new holder\'s result once', async () => {
    await stopAll(); // this test runs both workers in-process
    // Both call test:gate, which waits until the test opens it. The late worker's lease (60 s) is never
    // renewed within the test (renewals come every 20 s); the new worker's clock runs 61 s ahead, so
    // for it that lease has run out: that is all "stopped renewing" means to the queue.
    const gates = { late: gate(), new: gate() };
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_f: unknown, m: string) => void warnings.push(m), error: (_f: unknown, m: string) => void warnings.push(m) };
    const late = new DurableRuntime({
      sql: db.sql, registry: new ResourceRegistry().register('test:gate', gates.late.handler), logger,
      workerId: 'late', concurrency: 1, leaseMs: 60_000, pollMs: 100,
    });
    const taker = new DurableRuntime({
      sql: db.sql, registry: new ResourceRegistry().register('test:gate', gates.new.handler), logger,
      workerId: 'new', concurrency: 1, leaseMs: 60_000, pollMs: 100, clock: { now: () => Date.now() + 61_000 },
    });
    try {
      await late.start();
      const { executionId } = await startExecution(deps, { workflow: 'handoff', input: { n: 1 } });
      const [lateKey] = await gates.late.called;
      await taker.start();
      const [newKey] = await gates.new.called;
      assert.equal(newKey, lateKey, 'the same call, with the same idempotency key');
      const [job] = await db.sql.unsafe<Array<{ id: number; lease_owner: string; attempts: number }>>(
        'select id, lease_owner, attempts from nightshift.jobs where execution_id = $1', [executionId]);
      assert.deepEqual([job.lease_owner, job.attempts], ['new', 2], 'the job went to the new worker');
      assert.deepEqual(await extendLeases(db.sql, 'late', [job.id], 60_000, new Date()), [], 'the late worker can no longer renew it');

      gates.late.open({ by: 'late' });
      await late.stop(5_000); // waits for its in-flight job: the late step has run and rolled back
      assert.deepEqual(warnings, [], 'LeaseLost is expected, not an error to retry');
      assert.equal((await describeExecution(deps, executionId)).status, 'RUNNING', 'the late result was not recorded');
      const [still] = await db.sql.unsafe<Array<{ lease_owner: string }>>('select lease_owner from nightshift.jobs where id = $1', [job.id]);
      assert.equal(still?.lease_owner, 'new', 'the late worker did not delete the new holder\'s job');

      gates.new.open({ by: 'new' });
      const end = await waitForExecution(deps, executionId, 10_000);
      assert.deepEqual([end.status, end.output], ['SUCCEEDED', { by: 'new' }]);
      const history = await db.sql.unsafe<Array<{ type: string }>>(
        `select type from nightshift.history_events where execution_id = $1 and type like 'Task%' order by seq`, [executionId]);
      assert.deepEqual(history.map((e) => e.type), ['TaskStateEntered', 'TaskScheduled', 'TaskSucceeded', 'TaskStateExited']);
      assert.equal(lateKey, `${executionId}:Call:0`);
    } finally {
      gates.late.open(null);
      gates.new.open(null);
      await late.stop(1_000);
      await taker.stop(1_000);
    }
  });
});

/** A resource that reports its call (idempotency key) and answers when the test opens it. */
function gate(): { handler: ResourceHandler; called: Promise<[string]>; open(value: Json): void } {
  let open: (value: Json) => void = () => {};
  const opened = new Promise<Json>((resolve) => (open = resolve));
  let called: (key: [string]) => void = () => {};
  const calledPromise = new Promise<[string]>((resolve) => (called = resolve));
  return {
    handler: (_input, context) => {
      called([context.idempotencyKey]);
      return opened;
    },
    called: calledPromise,
    open: (value) => open(value),
  };
}
