/**
 * The chain budget under fan-out: a workflow that starts itself twice in parallel, run by two
 * workers on one database, never makes more executions than maxRunsPerChain.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { startExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { eventually } from '../support/wait.ts';

let engine: TestEngine;
let second: DurableRuntime;

const branch = (n: number) => ({
  StartAt: `Again${n}`,
  States: {
    [`Again${n}`]: { Type: 'Task', Resource: 'workflow:start', Parameters: { workflow: 'fork', input: {} }, Catch: [{ ErrorEquals: ['States.ALL'], Next: `Refused${n}` }], End: true },
    [`Refused${n}`]: { Type: 'Pass', End: true },
  },
});

before(async () => {
  engine = await createTestEngine({ concurrency: 8 });
  second = new DurableRuntime({ sql: engine.db.sql, registry: engine.registry, concurrency: 8, pollMs: 250, leaseMs: 10_000, jobHandlers: {} });
  await second.start();
  await engine.deploy({ StartAt: 'Twice', States: { Twice: { Type: 'Parallel', Branches: [branch(1), branch(2)], End: true } } }, 'fork');
});
after(async () => {
  await second.stop(2_000);
  await engine.close();
});

async function chainCounts(rootId: string): Promise<{ all: number; running: number }> {
  const [row] = await engine.db.sql.unsafe<Array<{ all: number; running: number }>>(
    `select count(*)::int as all, (count(*) filter (where status in ('RUNNING', 'PENDING')))::int as running
     from nightshift.executions where root_id = $1 and kind = 'execution'`,
    [rootId],
  );
  return row;
}

describe('the chain budget', () => {
  it('holds exactly under fan-out with two workers, and the refusal says the true count', async () => {
    engine.deps.limits = { maxDepth: 100, maxRunsPerChain: 50 };
    try {
      const root = await startExecution(engine.deps, { workflow: 'fork', input: {} });
      const ended = await eventually(async () => {
        const counts = await chainCounts(root.executionId);
        return counts.running === 0 && counts.all > 1 && counts;
      }, 'the chain to end', 30_000);
      assert.equal(ended.all, 50);
      const causes = await engine.db.sql.unsafe<Array<{ cause: string }>>(
        `select h.details ->> 'cause' as cause from nightshift.history_events h
         join nightshift.executions e on e.id = h.execution_id
         where e.root_id = $1 and h.type = 'TaskFailed'`,
        [root.executionId],
      );
      assert.ok(causes.length > 0, 'some starts were refused');
      for (const { cause } of causes) assert.match(cause, /has run 50 executions, its budget of 50/);
    } finally {
      engine.deps.limits = undefined;
    }
  });
});
