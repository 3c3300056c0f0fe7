/**
 * Timers that come due together: sleeping Waits of many executions fire at the same moment. Each must
 * fire once and call its Task once, the worker having slept until they were due.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { startExecution } from '../../src/service/index.ts';
import type { Json } from '../../src/shared/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { until } from '../support/wait.ts';

let engine: TestEngine;
/** Calls of the Task after the Wait, by the execution's input `i`. */
const calls = new Map<number, number>();

before(async () => {
  // Executions are started by an engine that runs no worker; the test's worker then finds their timers.
  engine = await createTestEngine({ concurrency: 0 });
  engine.registry.register('count-call', (input: Json) => {
    const i = (input as { i: number }).i;
    calls.set(i, (calls.get(i) ?? 0) + 1);
    return input;
  });
  await engine.deploy({
    StartAt: 'Sleep',
    States: { Sleep: { Type: 'Wait', TimestampPath: '$.due', Next: 'Call' }, Call: { Type: 'Task', Resource: 'count-call', End: true } },
  }, 'sleeper');
});
after(() => engine.close());

describe('timers due together', () => {
  it('fires a burst of 600 Waits once each and calls each Task once', async () => {
    const count = 600;
    const slots = 4;
    const due = new Date(Date.now() + 3_000);
    const ids: string[] = [];
    for (let from = 0; from < count; from += 50) {
      const views = await Promise.all(Array.from({ length: 50 }, (_, k) =>
        startExecution(engine.deps, { workflow: 'sleeper', input: { i: from + k, due: due.toISOString() } })));
      ids.push(...views.map((v) => v.executionId));
    }
    assert.ok(Date.now() < due.getTime(), 'every Wait was stored before it was due');
    // The worker starts idle, before the timers are due: it sleeps until the first one.
    const worker = new DurableRuntime({ sql: engine.db.sql, registry: engine.registry, concurrency: slots, pollMs: 5_000, workerId: 'burst' });
    await worker.start();
    try {
      await until('every execution to end', async () => {
        const [row] = await engine.db.sql<{ n: number }[]>`
          select count(*)::int as n from nightshift.executions where id = any(${ids}::uuid[]) and status = 'SUCCEEDED'`;
        return row.n;
      }, (n) => n === count, 60_000);
    } finally {
      await worker.stop(2_000);
    }
    assert.equal(calls.size, count);
    for (const [i, n] of calls) assert.equal(n, 1, `the Task of execution ${i} was called ${n} times`);
    const [steps] = await engine.db.sql<{ timers: number }[]>`
      select count(*)::int as timers from nightshift.history h
      where h.execution_id = any(${ids}::uuid[]) and h.batch -> 'events' -> 0 ->> 'type' = 'WaitStateExited'`;
    assert.equal(steps.timers, count, 'each timer fired once');
  });
});
