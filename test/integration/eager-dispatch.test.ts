/**
 * Eager dispatch (runtime/durable/eager.ts): a Task call that a step or a start of this process creates
 * is leased at birth to this process's worker when it has a free slot, and run with no claim. What the
 * jobs table saw is read from a trigger that copies every inserted job's lease, so each test tells a job
 * leased at birth from one queued and claimed.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ResourceRegistry } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { startExecution, waitForExecution } from '../../src/service/index.ts';
import { silentLogger, type Json } from '../../src/shared/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { isEngineError } from '../../src/shared/index.ts';

let engine: TestEngine;
before(async () => {
  engine = await createTestEngine({ concurrency: 0 });
  engine.registry.register('test:a', () => null).register('test:b', () => null);
  const task = (resource: string, next?: string) => ({ Type: 'Task', Resource: resource, ...(next ? { Next: next } : { End: true }) });
  await engine.deploy({ StartAt: 'One', States: { One: task('test:a', 'Two'), Two: task('test:a', 'Three'), Three: task('test:a') } }, 'three-tasks');
  await engine.deploy({ StartAt: 'One', States: { One: task('test:a', 'Other'), Other: task('test:b') } }, 'two-resources');
  await engine.deploy({
    StartAt: 'Fan',
    States: { Fan: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Call', States: { Call: task('test:a') } }, End: true } },
  }, 'fan-out');
  await engine.db.sql.unsafe(`
    create table public.inserted_jobs (id bigint, kind text, resource text, lease_owner text, attempts int, execution_id uuid);
    create function public.copy_inserted_job() returns trigger language plpgsql as $$
    begin
      insert into public.inserted_jobs values (new.id, new.kind, new.resource, new.lease_owner, new.attempts, new.execution_id);
      return new;
    end $$;
    create trigger copy_inserted_job after insert on nightshift.jobs for each row execute function public.copy_inserted_job();`);
});
after(() => engine.close());
beforeEach(() => engine.db.sql`delete from public.inserted_jobs`);

interface Inserted { kind: string; resource: string | null; lease_owner: string | null; attempts: number }
const invokesOf = (id: string) =>
  engine.db.sql<Inserted[]>`
    select i.kind, i.resource, i.lease_owner, i.attempts from public.inserted_jobs i
    join nightshift.executions e on e.id = i.execution_id
    where i.kind = 'invoke' and (e.id = ${id} or e.parent_id = ${id} or e.root_id = ${id}) order by i.id`;

/** A worker of its own, whose handlers count their calls and the most that ran at once; it polls rarely (woken by NOTIFY). */
function worker(options: { concurrency: number; resources?: string[]; eagerDispatch?: boolean; holdMs?: number; sql?: typeof engine.db.sql }) {
  const calls: Record<string, number> = {};
  let running = 0;
  let most = 0;
  const handler = (name: string) => async (input: Json) => {
    calls[name] = (calls[name] ?? 0) + 1;
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, options.holdMs ?? 0));
    running -= 1;
    return input;
  };
  const registry = new ResourceRegistry().register('test:a', handler('test:a')).register('test:b', handler('test:b'));
  const runtime = new DurableRuntime({
    sql: options.sql ?? engine.db.sql, registry, logger: silentLogger, concurrency: options.concurrency, pollMs: 5_000, leaseMs: 10_000,
    resources: options.resources, eagerDispatch: options.eagerDispatch,
  });
  return { runtime, calls, most: () => most };
}

describe('eager dispatch', () => {
  it('runs the Task calls that its own steps create at once, leased at birth, each called once', async () => {
    const w = worker({ concurrency: 8 });
    await w.runtime.start();
    try {
      const { executionId } = await startExecution(engine.deps, { workflow: 'three-tasks', input: { n: 1 } });
      const done = await waitForExecution(engine.deps, executionId, 15_000);
      assert.equal(done.status, 'SUCCEEDED');
      const jobs = await invokesOf(executionId);
      assert.equal(jobs.length, 3);
      // The first call was started by another process (the engine's, which runs no worker): queued and claimed.
      assert.deepEqual(jobs[0], { kind: 'invoke', resource: 'test:a', lease_owner: null, attempts: 0 });
      for (const job of jobs.slice(1)) assert.deepEqual(job, { kind: 'invoke', resource: 'test:a', lease_owner: w.runtime.workerId, attempts: 1 });
      assert.equal(w.calls['test:a'], 3);
      const [{ left }] = await engine.db.sql<{ left: number }[]>`select count(*)::int as left from nightshift.jobs where execution_id = ${executionId}`;
      assert.equal(left, 0);
    } finally {
      await w.runtime.stop(2_000);
    }
  });

  it('leases the first call of a start made in the process that runs the worker', async () => {
    const w = worker({ concurrency: 8 });
    await w.runtime.start();
    try {
      const deps = { ...engine.deps, runtime: w.runtime };
      const { executionId } = await startExecution(deps, { workflow: 'three-tasks', input: { n: 2 } });
      assert.equal((await waitForExecution(engine.deps, executionId, 15_000)).status, 'SUCCEEDED');
      const jobs = await invokesOf(executionId);
      assert.deepEqual(jobs.map((j) => j.lease_owner), [w.runtime.workerId, w.runtime.workerId, w.runtime.workerId]);
      assert.equal(w.calls['test:a'], 3);
    } finally {
      await w.runtime.stop(2_000);
    }
  });

  it('gives a call taken at birth its row as written, so the step that records its result reads no row', async () => {
    // The runtime's statements pass through this wrapper, which counts the unlocked path's row reads.
    let rowReads = 0;
    const counted = new Proxy(engine.db.sql, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key !== 'unsafe') return typeof value === 'function' ? value.bind(target) : value;
        return (query: string, ...rest: unknown[]) => {
          if (query.includes('row_version from nightshift.executions e where e.id = any')) rowReads += 1;
          return (target.unsafe as (...a: unknown[]) => unknown)(query, ...rest);
        };
      },
    });
    const w = worker({ concurrency: 64, sql: counted });
    await w.runtime.start();
    try {
      const deps = { ...engine.deps, runtime: w.runtime };
      const ids = await Promise.all(Array.from({ length: 20 }, (_, n) => startExecution(deps, { workflow: 'three-tasks', input: { n } })));
      for (const { executionId } of ids) assert.equal((await waitForExecution(engine.deps, executionId, 15_000)).status, 'SUCCEEDED');
      assert.equal(w.calls['test:a'], 60);
      const leased = await engine.db.sql<{ n: number }[]>`
        select count(*)::int as n from public.inserted_jobs where kind = 'invoke' and lease_owner is not null and execution_id = any(${ids.map((i) => i.executionId)}::uuid[])`;
      assert.equal(leased[0].n, 60, 'every call taken at birth');
      assert.equal(rowReads, 0);
    } finally {
      await w.runtime.stop(2_000);
    }
  });

  it('queues a call of a resource this worker does not serve for a worker that does', async () => {
    const onlyA = worker({ concurrency: 8, resources: ['test:a'] });
    const onlyB = worker({ concurrency: 8, resources: ['test:b'] });
    await onlyA.runtime.start();
    await onlyB.runtime.start();
    try {
      const { executionId } = await startExecution({ ...engine.deps, runtime: onlyA.runtime }, { workflow: 'two-resources', input: {} });
      assert.equal((await waitForExecution(engine.deps, executionId, 15_000)).status, 'SUCCEEDED');
      const jobs = await invokesOf(executionId);
      assert.deepEqual(jobs.map((j) => [j.resource, j.lease_owner]), [['test:a', onlyA.runtime.workerId], ['test:b', null]]);
      assert.deepEqual([onlyA.calls, onlyB.calls], [{ 'test:a': 1 }, { 'test:b': 1 }]);
    } finally {
      await onlyA.runtime.stop(2_000);
      await onlyB.runtime.stop(2_000);
    }
  });

  it('takes no more calls at birth than it has free slots, and the rest are claimed', async () => {
    const w = worker({ concurrency: 2, holdMs: 20 });
    await w.runtime.start();
    try {
      const items = Array.from({ length: 12 }, (_, i) => i);
      const { executionId } = await startExecution({ ...engine.deps, runtime: w.runtime }, { workflow: 'fan-out', input: { items } });
      assert.equal((await waitForExecution(engine.deps, executionId, 30_000)).status, 'SUCCEEDED');
      assert.equal(w.calls['test:a'], 12);
      assert.ok(w.most() <= 2, `at most 2 calls at once, saw ${w.most()}`);
      const jobs = await invokesOf(executionId);
      assert.equal(jobs.length, 12);
      const leased = jobs.filter((j) => j.lease_owner !== null).length;
      assert.ok(leased <= 12 && jobs.length - leased > 0, `some calls queued (leased at birth: ${leased} of 12)`);
    } finally {
      await w.runtime.stop(2_000);
    }
  });

  it('queues every call when eager dispatch is off', async () => {
    const w = worker({ concurrency: 8, eagerDispatch: false });
    await w.runtime.start();
    try {
      const { executionId } = await startExecution({ ...engine.deps, runtime: w.runtime }, { workflow: 'three-tasks', input: { n: 3 } });
      assert.equal((await waitForExecution(engine.deps, executionId, 15_000)).status, 'SUCCEEDED');
      assert.deepEqual((await invokesOf(executionId)).map((j) => j.lease_owner), [null, null, null]);
      assert.equal(w.calls['test:a'], 3);
    } finally {
      await w.runtime.stop(2_000);
    }
  });
});

describe('eager dispatch setting', () => {
  it('is on by default, off with NIGHTSHIFT_EAGER_DISPATCH=false or eagerDispatch: false, and refuses another value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nightshift-eager-'));
    try {
      assert.equal(loadConfig({ projectDir: dir, env: {} }).eagerDispatch, true);
      assert.equal(loadConfig({ projectDir: dir, env: { NIGHTSHIFT_EAGER_DISPATCH: 'false' } }).eagerDispatch, false);
      writeFileSync(join(dir, 'nightshift.yaml'), 'eagerDispatch: false\n');
      assert.equal(loadConfig({ projectDir: dir, env: {} }).eagerDispatch, false);
      assert.equal(loadConfig({ projectDir: dir, env: { NIGHTSHIFT_EAGER_DISPATCH: '1' } }).eagerDispatch, true);
      assert.throws(
        () => loadConfig({ projectDir: dir, env: { NIGHTSHIFT_EAGER_DISPATCH: 'sometimes' } }),
        (e: unknown) => isEngineError(e) && e.code === 'CONFIG_INVALID' && /NIGHTSHIFT_EAGER_DISPATCH must be true or false/.test(JSON.stringify(e.details) + e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
