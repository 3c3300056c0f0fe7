/**
 * A worker's `concurrency` counts resource calls that have not answered: it bounds the calls running
 * at once, and a call that has answered waits for its commit without keeping the next one from starting.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { describeExecution, startExecution, waitForExecution, type ServiceDeps } from '../../src/service/index.ts';
import type { Json } from '../../src/shared/index.ts';
import { connect } from '../../src/store/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import type { TestDatabase } from '../support/database.ts';
import { eventually, sleep } from '../support/wait.ts';

let engine: TestEngine;
let db: TestDatabase;
let deps: ServiceDeps;
const registry = new ResourceRegistry();
/** Calls of `quick`, by input id. */
const quickCalls: string[] = [];
/** Calls of `slow` not answered yet, and the most at once. */
const slowWaiting: Array<() => void> = [];
let slowMost = 0;

registry.register('quick', (input: Json) => {
  quickCalls.push((input as { id: string }).id);
  return input;
});
registry.register('slow', (input: Json) => {
  return new Promise<Json>((resolve) => {
    slowWaiting.push(() => resolve(input));
    slowMost = Math.max(slowMost, slowWaiting.length);
  });
});

const oneTask = (resource: string) => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true } } });

/** A worker on the test database with `concurrency` slots. */
function worker(concurrency: number): DurableRuntime {
  return new DurableRuntime({ sql: db.sql, registry, concurrency, pollMs: 100, leaseMs: 30_000, workerId: `slots-${concurrency}` });
}

before(async () => {
  // Starts run here with no worker: the tests decide when one runs.
  engine = await createTestEngine({ concurrency: 0, registry });
  ({ db, deps } = engine);
  for (const name of ['quick', 'slow']) await engine.deploy(oneTask(name), name);
});
after(() => engine.close());

describe('worker slots', () => {
  it('runs at most `concurrency` resource calls at once', async () => {
    const started = await Promise.all([1, 2, 3, 4, 5].map((i) => startExecution(deps, { workflow: 'slow', input: { id: `s${i}` } })));
    const runtime = worker(2);
    await runtime.start();
    try {
      await eventually(async () => slowWaiting.length === 2, 'two calls running');
      await sleep(300);
      assert.equal(slowWaiting.length, 2, 'a third call waits for a slot');
      while (slowWaiting.length > 0 || (await countRunning()) > 0) {
        slowWaiting.shift()?.();
        await sleep(20);
      }
      assert.equal(slowMost, 2);
      for (const { executionId } of started) assert.equal((await describeExecution(deps, executionId)).status, 'SUCCEEDED');
    } finally {
      await runtime.stop(2_000);
    }
  });

  it('starts the next call while an answered one waits for its commit', async () => {
    const a = await startExecution(deps, { workflow: 'quick', input: { id: 'a' } });
    const b = await startExecution(deps, { workflow: 'quick', input: { id: 'b' } });
    // Another connection holds A's row: A's result cannot be committed until it lets go.
    const other = connect(db.url, { max: 1 });
    let letGo!: () => void;
    const holding = new Promise<void>((resolve) => (letGo = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const lock = other.begin(async (tx) => {
      await tx`select 1 from nightshift.executions where id = ${a.executionId} for update`;
      locked();
      await holding;
    });
    await isLocked;
    const runtime = worker(1);
    await runtime.start();
    try {
      await eventually(async () => quickCalls.includes('a') && quickCalls.includes('b'), 'both handlers called, one slot, A not committed');
      assert.equal((await describeExecution(deps, a.executionId)).status, 'RUNNING', "A's result waits for the row");
      letGo();
      await lock;
      assert.equal((await waitForExecution(deps, a.executionId, 10_000)).status, 'SUCCEEDED');
      assert.equal((await waitForExecution(deps, b.executionId, 10_000)).status, 'SUCCEEDED');
    } finally {
      letGo();
      await runtime.stop(2_000);
      await other.end();
    }
  });
});

async function countRunning(): Promise<number> {
  const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from nightshift.executions where status = 'RUNNING'`;
  return row.n;
}
