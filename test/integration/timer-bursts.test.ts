/**
 * Timers that come due together: sleeping Waits of many executions fire at the same moment. Each must
 * fire once and call its Task once, and their steps go through the worker's group commit in groups
 * larger than its resource slots (a step job holds no slot: it is database work only).
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
  it('fires a burst of 600 Waits once each, calls each Task once, and steps the timers in groups larger than the slots', async () => {
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
    // Rows written by one transaction carry its id as xmin: the timers' steps (their history batches begin where the Wait ends).
    const [steps] = await engine.db.sql<{ timers: number; transactions: number }[]>`
      select count(*)::int as timers, count(distinct h.xmin::text)::int as transactions from nightshift.history h
      where h.execution_id = any(${ids}::uuid[]) and h.batch -> 'events' -> 0 ->> 'type' = 'WaitStateExited'`;
    assert.equal(steps.timers, count, 'each timer fired once');
    // Holding a slot each, timers went at most `slots` to a group: 150 transactions or more.
    assert.ok(steps.transactions <= count / slots / 3, `${count} timers took ${steps.transactions} transactions`);
  });
});
