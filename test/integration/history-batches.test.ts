import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { executionHistory, startExecution, waitForExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
before(async () => {
  engine = await createTestEngine();
});
after(async () => {
  await engine.close();
});

describe('history stored one row per committed step', () => {
  it('writes one row per step of each thread and reads the events back one by one, numbered without gaps', async () => {
    await engine.deploy({
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'test:echo', End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
          ],
        },
      },
    }, 'batched');
    const { executionId } = await startExecution(engine.deps, { workflow: 'batched', input: { n: 1 } });
    assert.equal((await waitForExecution(engine.deps, executionId, 20_000)).status, 'SUCCEEDED');

    const history = await executionHistory(engine.deps, executionId);
    const threads = [...new Set(history.map((e) => e.branchId ?? executionId))];
    assert.equal(threads.length, 3);
    for (const thread of threads) {
      const seqs = history.filter((e) => (e.branchId ?? executionId) === thread).map((e) => e.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i), `thread ${thread}`);
    }
    assert.equal(history[0].type, 'ExecutionStarted');
    assert.equal(history.at(-1)?.type, 'ExecutionSucceeded');

    const [{ rows, events }] = await engine.db.sql<Array<{ rows: number; events: number }>>`
      select count(*)::int as rows, sum(jsonb_array_length(batch -> 'events'))::int as events
      from nightshift.history where execution_id = any(${threads}::uuid[])`;
    assert.equal(events, history.length);
    assert.ok(rows < events, `${events} events in ${rows} rows`);

    // The SQL view gives the same events, one per row.
    const viewed = await engine.db.sql<Array<{ execution_id: string; seq: number; type: string }>>`
      select execution_id, seq, type from nightshift.history_events where execution_id = any(${threads}::uuid[])`;
    const key = (e: { execution_id: string; seq: number; type: string }) => `${e.execution_id} ${e.seq} ${e.type}`;
    assert.deepEqual(viewed.map(key).sort(), history.map((e) => key({ execution_id: e.branchId ?? executionId, seq: e.seq, type: e.type })).sort());
  });

  it('cuts a page inside a step, keeping the order of the whole history', async () => {
    await engine.deploy({ StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: 'test:echo', End: true } } }, 'paged');
    const { executionId } = await startExecution(engine.deps, { workflow: 'paged', input: {} });
    assert.equal((await waitForExecution(engine.deps, executionId, 20_000)).status, 'SUCCEEDED');
    const all = await executionHistory(engine.deps, executionId);
    for (const limit of [1, 2, 4, 5]) {
      assert.deepEqual(await executionHistory(engine.deps, executionId, { limit }), all.slice(0, limit), `limit ${limit}`);
    }
  });
});
