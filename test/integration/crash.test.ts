/**
 * A worker process is killed with SIGKILL while hundreds of executions are in Tasks, Waits and Map
 * fan-outs; a new worker process finishes them all. Every step commits in one transaction and every
 * job is deleted only by the step that records its result, so nothing is lost and nothing is
 * recorded twice; a resource call cut off by the kill runs again with the same idempotency key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeExecution, startExecution, type ServiceDeps } from '../../src/service/index.ts';
import type { TestDatabase } from '../support/database.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';
import { sleep, until } from '../support/wait.ts';
import { createStarter, type Starter } from '../support/starter.ts';

const executions = 300;
const items = [{ ms: 150 }, { ms: 250 }, { ms: 150 }, { ms: 250 }];

const definition = {
  StartAt: 'First',
  States: {
    First: { Type: 'Task', Resource: 'effect:slow', Parameters: { 'ms.$': '$.firstMs' }, ResultPath: null, Next: 'Pause' },
    Pause: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Fan' },
    Fan: {
      Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, ResultPath: '$.fan', Next: 'Both',
      ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Task', Resource: 'effect:slow', End: true } } },
    },
    Both: {
      Type: 'Parallel', ResultPath: '$.both', Next: 'Done',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Task', Resource: 'effect:record', Parameters: { side: 'left' }, End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Task', Resource: 'effect:slow', Parameters: { side: 'right', ms: 100 }, End: true } } },
      ],
    },
    Done: { Type: 'Succeed' },
  },
};

/** The states each thread passes through once: the top level, each Map iteration, each Parallel branch. */
const expectedStates = { execution: ['Both', 'Done', 'Fan', 'First', 'Pause'], item: ['Item'], left: ['Left'], right: ['Right'] };

let starter: Starter;
let db: TestDatabase;
let deps: ServiceDeps;
let workers: WorkerProcess[];

before(async () => {
  // This process only starts executions (their first step runs here); the children do the rest.
  starter = await createStarter({ crash: definition }, (r) => r.startsWith('effect:'));
  ({ db, deps, workers } = starter);
});

after(() => starter?.close());


async function startAll(count: number): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        // Spread over durations so that, at any moment, some are in First, some in Pause, some in Fan.
        const input = { i, firstMs: 200 + (i % 8) * 200, waitSeconds: 1 + (i % 3), items };
        ids[i] = (await startExecution(deps, { workflow: 'crash', input })).executionId;
      }
    }),
  );
  return ids;
}

interface Flight { inTask: number; inWait: number; inMap: number; branches: number; ended: number; leased: number }

async function inFlight(workerId: string): Promise<Flight> {
  const [row] = await db.sql.unsafe<Array<{ in_task: number; in_wait: number; in_map: number; branches: number; ended: number }>>(`
    select count(*) filter (where kind = 'execution' and status = 'RUNNING' and snapshot->>'stateName' = 'First')::int as in_task,
           count(*) filter (where kind = 'execution' and status = 'RUNNING' and snapshot->>'stateName' = 'Pause')::int as in_wait,
           count(*) filter (where kind = 'execution' and status = 'RUNNING' and snapshot->>'stateName' = 'Fan')::int as in_map,
           count(*) filter (where kind = 'branch' and status = 'RUNNING')::int as branches,
           count(*) filter (where kind = 'execution' and status <> 'RUNNING')::int as ended
    from nightshift.executions`);
  const [{ leased }] = await db.sql.unsafe<Array<{ leased: number }>>(
    `select count(*)::int as leased from nightshift.jobs where kind = 'invoke' and lease_owner = $1`, [workerId]);
  return { inTask: row.in_task, inWait: row.in_wait, inMap: row.in_map, branches: row.branches, ended: row.ended, leased };
}

describe('a worker process killed with SIGKILL', () => {
  it('leaves every execution to finish on a new worker, each state recorded once and each cut-off call repeated with its idempotency key', { timeout: 120_000 }, async (t) => {
    const first = await startWorkerProcess({ databaseUrl: db.url, workerId: 'crash-first', concurrency: 64, leaseMs: 2000 });
    workers.push(first);
    const began = Date.now();
    const ids = await startAll(executions);

    const atKill = await until('executions spread over Tasks, Waits and Map fan-outs', () => inFlight(first.workerId),
      (f) => f.inTask >= 10 && f.inWait >= 10 && f.inMap >= 10 && f.branches >= 5 && f.leased >= 5, 40_000);
    await first.kill9();
    const [{ killed_at: killedAt }] = await db.sql.unsafe<Array<{ killed_at: Date }>>('select clock_timestamp() as killed_at');
    const [{ left: leftBehind }] = await db.sql.unsafe<Array<{ left: number }>>(
      'select count(*)::int as left from nightshift.jobs where lease_owner = $1', [first.workerId]);
    t.diagnostic(`at the kill (${Date.now() - began} ms): ${JSON.stringify(atKill)}; jobs leased by the dead worker: ${leftBehind}`);
    assert.ok(leftBehind > 0, 'the dead worker left leased jobs behind for another to take over');

    const second = await startWorkerProcess({ databaseUrl: db.url, workerId: 'crash-second', concurrency: 64, leaseMs: 2000 });
    workers.push(second);
    await until('running executions', async () => {
      const [{ n }] = await db.sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from nightshift.executions where status in ('RUNNING', 'PENDING')`);
      return n;
    }, (n) => n === 0, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\nsecond worker's stderr:\n${second.stderr()}`);
    });
    t.diagnostic(`all ended ${Date.now() - began} ms after the first start`);

    // Every execution SUCCEEDED, with every Map item and both Parallel branches in its output.
    for (const id of ids) {
      const view = await describeExecution(deps, id);
      assert.equal(view.status, 'SUCCEEDED', JSON.stringify(view));
      const output = view.output as { fan: unknown[]; both: unknown[] };
      assert.deepEqual(output.fan, items, id);
      assert.deepEqual(output.both, [{ side: 'left' }, { side: 'right', ms: 100 }], id);
    }
    const [{ branches }] = await db.sql.unsafe<Array<{ branches: number }>>(
      `select count(*)::int as branches from nightshift.executions where kind = 'branch' and status = 'SUCCEEDED'`);
    assert.equal(branches, executions * (items.length + 2), 'every Map iteration and Parallel branch succeeded');

    // History: each thread's events are numbered without gaps and match its event_count.
    const gaps = await db.sql.unsafe(`
      select e.id, e.event_count, h.n, h.lo, h.hi from nightshift.executions e
      left join (select execution_id, count(*)::int as n, min(seq) as lo, max(seq) as hi
                 from nightshift.history_events group by execution_id) h on h.execution_id = e.id
      where coalesce(h.n, 0) <> e.event_count or h.hi - h.lo + 1 <> h.n`);
    assert.deepEqual([...gaps], [], 'history numbered without gaps or duplicates');
    const [{ odd }] = await db.sql.unsafe<Array<{ odd: number }>>(`
      select count(*)::int as odd from (
        select execution_id from nightshift.history_events group by execution_id
        having count(*) filter (where type = 'ExecutionStarted') <> 1 or count(*) filter (where type = 'ExecutionSucceeded') <> 1) t`);
    assert.equal(odd, 0, 'every execution and branch started once and succeeded once');

    // Each state of each thread: entered once, exited once; a Task scheduled once and succeeded once.
    const perState = await db.sql.unsafe<Array<{ execution_id: string; kind: string; state_name: string; entered: number; exited: number; scheduled: number; succeeded: number; failed: number }>>(`
      select h.execution_id, e.kind, h.state_name,
             count(*) filter (where h.type like '%StateEntered')::int as entered,
             count(*) filter (where h.type like '%StateExited')::int as exited,
             count(*) filter (where h.type = 'TaskScheduled')::int as scheduled,
             count(*) filter (where h.type = 'TaskSucceeded')::int as succeeded,
             count(*) filter (where h.type in ('TaskFailed', 'TaskTimedOut'))::int as failed
      from nightshift.history_events h join nightshift.executions e on e.id = h.execution_id
      where h.state_name is not null
      group by h.execution_id, e.kind, h.state_name`);
    const statesOf = new Map<string, string[]>();
    for (const row of perState) {
      assert.equal(row.entered, 1, `${row.execution_id} ${row.state_name} entered once`);
      assert.equal(row.exited, 1, `${row.execution_id} ${row.state_name} exited once`);
      const isTask = ['First', 'Item', 'Left', 'Right'].includes(row.state_name);
      assert.deepEqual([row.scheduled, row.succeeded, row.failed], isTask ? [1, 1, 0] : [0, 0, 0], `${row.execution_id} ${row.state_name}: one attempt, one TaskSucceeded`);
      statesOf.set(row.execution_id, [...(statesOf.get(row.execution_id) ?? []), row.state_name].sort());
    }
    const shapes = new Map<string, number>();
    for (const states of statesOf.values()) shapes.set(states.join(','), (shapes.get(states.join(',')) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(shapes), {
      [expectedStates.execution.join(',')]: executions,
      [expectedStates.item.join(',')]: executions * items.length,
      [expectedStates.left.join(',')]: executions,
      [expectedStates.right.join(',')]: executions,
    });

    // Side effects: exactly the idempotency keys of the recorded successes, each at least once.
    const [keys] = await db.sql.unsafe<Array<{ missing: number; unexpected: number; calls: number; distinct_keys: number }>>(`
      with expected as (
        select execution_id::text || ':' || state_name || ':0' as key from nightshift.history_events where type = 'TaskSucceeded'
      )
      select (select count(*) from expected where key not in (select idempotency_key from public.test_effects))::int as missing,
             (select count(distinct idempotency_key) from public.test_effects where idempotency_key not in (select key from expected))::int as unexpected,
             (select count(*) from public.test_effects)::int as calls,
             (select count(distinct idempotency_key) from public.test_effects)::int as distinct_keys`);
    assert.deepEqual([keys.missing, keys.unexpected, keys.distinct_keys], [0, 0, executions * (1 + items.length + 2)]);

    // A key called more than once: the dead worker called it before the kill, then the new worker once.
    const repeated = await db.sql.unsafe<Array<{ idempotency_key: string; before_kill: number; by_second: number; other: number }>>(`
      select idempotency_key,
             count(*) filter (where pid = $1 and recorded_at < $3)::int as before_kill,
             count(*) filter (where pid = $2)::int as by_second,
             count(*) filter (where not (pid = $1 and recorded_at < $3) and pid <> $2)::int as other
      from public.test_effects group by idempotency_key having count(*) > 1`, [first.pid, second.pid, killedAt]);
    for (const key of repeated) {
      assert.ok(key.before_kill >= 1 && key.by_second === 1 && key.other === 0, `repeated only because of the kill: ${JSON.stringify(key)}`);
    }
    t.diagnostic(`${keys.calls} resource calls for ${keys.distinct_keys} keys; ${repeated.length} keys repeated after the kill`);
  });
});
