/**
 * The one way in to the queue: startExecutions(deps, tx, requests) in the caller's transaction.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startExecution, startExecutions, type StartedBatch } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;

before(async () => {
  engine = await createTestEngine({ concurrency: 0 });
  await engine.deploy({ StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 3600, End: true } } }, 'sleeper');
  await engine.deploy({
    name: 'one-at-a-time', flow: { concurrency: { limit: 1 } },
    definition: { StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 3600, End: true } } },
  }, 'one-at-a-time');
});
after(() => engine.close());

async function countOf(sql: string, params: unknown[]): Promise<number> {
  const [row] = await engine.db.sql.unsafe<Array<{ n: number }>>(sql, params as never);
  return row.n;
}

describe('startExecutions', () => {
  it('writes nothing when the caller rolls its transaction back: no execution, no held start, no chain place', async () => {
    const root = await startExecution(engine.deps, { workflow: 'sleeper', input: {} });
    const chain = { rootId: root.executionId, depth: 1 };
    await assert.rejects(engine.db.sql.begin(async (tx) => {
      const batch = await startExecutions(engine.deps, tx, [
        { workflow: 'sleeper', input: { n: 1 }, chain }, { workflow: 'sleeper', input: { n: 2 }, chain }, { workflow: 'one-at-a-time', input: {} },
      ]);
      assert.ok(batch.outcomes.every((o) => 'view' in o && o.view.created), JSON.stringify(batch.outcomes));
      throw new Error('the caller changed its mind');
    }), /changed its mind/);
    assert.equal(await countOf(`select count(*)::int as n from nightshift.executions where root_id = $1`, [root.executionId]), 1);
    assert.equal(await countOf(`select coalesce(max(runs), 0)::int as n from nightshift.chains where root_id = $1`, [root.executionId]), 0);
    assert.equal(await countOf(`select count(*)::int as n from nightshift.flow_waits where workflow_name = 'one-at-a-time'`, []), 0);
  });

  it('answers each request on its own: a refusal for one, the others started with one insert', async () => {
    const batch: StartedBatch = await engine.db.sql.begin((tx) => startExecutions(engine.deps, tx, [
      { workflow: 'sleeper', input: { n: 1 }, idempotencyKey: 'seam-1' },
      { workflow: 'nobody', input: {} },
      { workflow: 'sleeper', input: { n: 2 }, name: 'bad name!' },
      { workflow: 'sleeper', input: { n: 3 }, idempotencyKey: 'seam-1' },
      { workflow: 'sleeper', input: { n: 4 } },
    ]));
    batch.afterCommit();
    const [first, missing, badName, reused, plain] = batch.outcomes;
    assert.ok('view' in first && first.view.created);
    assert.ok('error' in missing && missing.error.code === 'WORKFLOW_NOT_FOUND');
    assert.ok('error' in badName && badName.error.code === 'INPUT_INVALID');
    assert.ok('error' in reused && reused.error.code === 'IDEMPOTENCY_KEY_REUSED', JSON.stringify(reused));
    assert.ok('view' in plain && plain.view.created);
    const rows = await engine.db.sql<{ xmin: string }[]>`
      select xmin::text from nightshift.executions where id = any(${[first.view.executionId, plain.view.executionId]}::uuid[])`;
    assert.equal(new Set(rows.map((r) => r.xmin)).size, 1);
  });

  it('holds a flow-controlled start and admits it in the same transaction when its limit allows', async () => {
    const batch: StartedBatch = await engine.db.sql.begin((tx) => startExecutions(engine.deps, tx, [
      { workflow: 'one-at-a-time', input: { n: 1 } }, { workflow: 'one-at-a-time', input: { n: 2 } },
    ]));
    const [running, waiting] = batch.outcomes.map((o) => ('view' in o ? o.view : assert.fail(JSON.stringify(o))));
    assert.equal(running.waitingReason, undefined);
    assert.match(waiting.waitingReason ?? '', /^concurrency limit 1 reached/);
    assert.equal(await countOf(`select count(*)::int as n from nightshift.executions where id = $1`, [running.executionId]), 1);
    assert.equal(await countOf(`select count(*)::int as n from nightshift.executions where id = $1`, [waiting.executionId]), 0);
  });
});
