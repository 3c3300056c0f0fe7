/**
 * A start whose first step writes nothing but its own row, history and jobs is one statement with no
 * transaction block, its workflow's version taken from memory and checked by the insert.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadWorkflow } from '../../src/asl/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { deployWorkflow, removeWorkflow, startExecution, type ServiceDeps } from '../../src/service/index.ts';
import { systemClock } from '../../src/shared/index.ts';
import { connect, type Sql } from '../../src/store/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
let other: Sql;

const sleeper = (seconds: number, state = 'Sleep') => ({ StartAt: state, States: { [state]: { Type: 'Wait', Seconds: seconds, End: true } } });

before(async () => {
  engine = await createTestEngine({ concurrency: 0 });
  other = connect(engine.db.url, { max: 2 });
  await engine.deploy(sleeper(3600), 'sleeper');
  await engine.deploy({
    StartAt: 'Fan', States: { Fan: { Type: 'Parallel', End: true, Branches: [sleeper(3600, 'A'), sleeper(3600, 'B')] } },
  }, 'fan');
});
after(async () => {
  await other.end();
  await engine.close();
});

/** The pool's statements and transactions, counted as the runtime sends them. */
function counted(sql: Sql): { sql: Sql; sent: string[] } {
  const sent: string[] = [];
  const proxy = new Proxy(sql, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (property === 'unsafe') return (text: string, ...rest: unknown[]) => (sent.push(text.trim().split(/\s+/)[0]), (value as Function).call(target, text, ...rest));
      if (property === 'begin') return (...args: unknown[]) => (sent.push('begin'), (value as Function).apply(target, args));
      return typeof value === 'function' ? (value as Function).bind(target) : value;
    },
  });
  return { sql: proxy, sent };
}

/** Deploys from another process's pool: this process's cache does not hear of it. */
async function deployElsewhere(definition: unknown, name: string): Promise<string> {
  const { workflow } = loadWorkflow(JSON.stringify(definition), `${name}.json`, { isKnownResource: (r) => engine.registry.has(r) });
  return (await deployWorkflow({ sql: other }, workflow!)).versionId;
}

describe('a start in one statement', () => {
  it('inserts the execution already stepped, with its history and its timer job, in one statement and no transaction block', async () => {
    const { sql, sent } = counted(engine.db.sql);
    const runtime = new DurableRuntime({ sql, registry: engine.registry, concurrency: 0 });
    const deps: ServiceDeps = { ...engine.deps, sql, runtime };
    await startExecution(deps, { workflow: 'sleeper', input: { n: 0 } });
    sent.length = 0;
    const view = await startExecution(deps, { workflow: 'sleeper', input: { n: 1 } });
    assert.deepEqual(sent, ['with'], 'the version came from memory; one statement, no begin');
    assert.equal(view.status, 'RUNNING');
    const [row] = await engine.db.sql.unsafe<Array<{ event_count: number; state: string; jobs: number; batches: number }>>(
      `select e.event_count, e.snapshot->>'stateName' as state,
              (select count(*)::int from nightshift.jobs j where j.execution_id = e.id) as jobs,
              (select count(*)::int from nightshift.history h where h.execution_id = e.id) as batches
       from nightshift.executions e where e.id = $1`, [view.executionId]);
    assert.ok(row.event_count > 0);
    assert.deepEqual([row.state, row.jobs, row.batches], ['Sleep', 1, 1]);
  });

  it('answers the execution already started under the same idempotency key, and refuses the key with another input', async () => {
    const first = await startExecution(engine.deps, { workflow: 'sleeper', input: { k: 1 }, idempotencyKey: 'once' });
    const again = await startExecution(engine.deps, { workflow: 'sleeper', input: { k: 1 }, idempotencyKey: 'once' });
    assert.deepEqual([again.executionId, again.created], [first.executionId, false]);
    await assert.rejects(startExecution(engine.deps, { workflow: 'sleeper', input: { k: 2 }, idempotencyKey: 'once' }), { code: 'IDEMPOTENCY_KEY_REUSED' });
    const [{ n }] = await engine.db.sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from nightshift.jobs j join nightshift.executions e on e.id = j.execution_id where e.idempotency_key = 'once'`);
    assert.equal(n, 1, 'the repeated starts added no job');
  });

  it('starts the version another process deployed since this one last read it, and refuses a workflow another process removed', async () => {
    const before = await startExecution(engine.deps, { workflow: 'sleeper', input: {} });
    const deployed = await deployElsewhere(sleeper(1800), 'sleeper');
    assert.notEqual(deployed, before.versionId);
    const after = await startExecution(engine.deps, { workflow: 'sleeper', input: {} });
    assert.equal(after.versionId, deployed);
    await removeWorkflow({ sql: other, clock: systemClock }, 'sleeper');
    await assert.rejects(startExecution(engine.deps, { workflow: 'sleeper', input: {} }), { code: 'WORKFLOW_ARCHIVED' });
    await deployElsewhere(sleeper(3600), 'sleeper');
  });

  it('starts in a transaction a workflow whose first step writes more than its own row (branches)', async () => {
    const view = await startExecution(engine.deps, { workflow: 'fan', input: {} });
    const [{ n }] = await engine.db.sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from nightshift.executions where owner_id = $1`, [view.executionId]);
    assert.equal(n, 2);
  });
});
