/**
 * Resource routing (issue 12): a worker claims only the invoke jobs of resources it serves. Two
 * workers on one database, one serving `render` only and one the rest: each call is made by the worker
 * that serves it; with no `render` worker running, the execution waits and says why (its view and the
 * Scheduler), then goes on when one starts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResourceRegistry } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { describeExecution, listScheduled, startExecution, waitForExecution, type ServiceDeps } from '../../src/service/index.ts';
import { silentLogger, type Json } from '../../src/shared/index.ts';
import { claimDueJobs, enqueueJobs, servedResources } from '../../src/store/index.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { createStarter, type Starter } from '../support/starter.ts';
import { eventually } from '../support/wait.ts';

const workflows = {
  illustrated: {
    StartAt: 'Render',
    States: {
      Render: { Type: 'Task', Resource: 'render', Next: 'Store' },
      Store: { Type: 'Task', Resource: 'store', End: true },
    },
  },
};

let starter: Starter;
let deps: ServiceDeps;
/** Which worker made each call: `<worker>:<resource>`. */
const calls: string[] = [];
const running: DurableRuntime[] = [];

function worker(name: string, handlers: string[], serves?: string[]): DurableRuntime {
  const registry = new ResourceRegistry();
  for (const resource of handlers) {
    registry.register(resource, (input: Json) => {
      calls.push(`${name}:${resource}`);
      return input;
    });
  }
  const runtime = new DurableRuntime({ sql: starter.db.sql, registry, workerId: name, concurrency: 8, pollMs: 100, leaseMs: 3_000, logger: silentLogger, resources: serves });
  running.push(runtime);
  return runtime;
}

before(async () => {
  starter = await createStarter(workflows, () => true);
  deps = starter.deps;
});
after(async () => {
  for (const runtime of running) await runtime.stop(1_000);
  await starter?.close();
});

describe('resource routing', () => {
  it('has each call made by the worker that serves its resource', async () => {
    const renderer = worker('renderer', ['render', 'store'], ['render']);
    const rest = worker('rest', ['store']);
    await renderer.start();
    await rest.start();
    calls.length = 0;
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => startExecution(deps, { workflow: 'illustrated', input: { i } })));
    for (const { executionId } of ids) assert.equal((await waitForExecution(deps, executionId, 15_000)).status, 'SUCCEEDED');
    assert.equal(calls.filter((c) => c === 'renderer:render').length, 10);
    assert.equal(calls.filter((c) => c === 'rest:store').length, 10);
    assert.equal(calls.length, 20, `only the serving worker calls: ${calls.join(', ')}`);
    await renderer.stop(1_000);
    await rest.stop(1_000);
  });

  it('waits for a worker that serves the resource, says why, and goes on when one starts', async () => {
    const rest = worker('rest-2', ['store']);
    await rest.start();
    const { executionId } = await startExecution(deps, { workflow: 'illustrated', input: { waiting: true } });
    const view = await eventually(async () => {
      const v = await describeExecution(deps, executionId);
      return v.waitingReason ? v : null;
    }, 'a waiting reason');
    assert.equal(view.status, 'RUNNING');
    assert.equal(view.waitingReason, "waiting for a worker that serves 'render'");
    const page = await listScheduled(deps, { kinds: ['unserved'] });
    const item = page.items.find((i) => i.executionId === executionId);
    assert.ok(item, JSON.stringify(page.items));
    assert.equal(item.resource, 'render');
    assert.equal(item.stateName, 'Render');
    assert.equal(item.reason, "waiting for a worker that serves 'render'");
    assert.equal(item.dueAt, null);

    const renderer = worker('renderer-2', ['render']);
    await renderer.start();
    assert.equal((await waitForExecution(deps, executionId, 15_000)).status, 'SUCCEEDED');
    assert.equal((await describeExecution(deps, executionId)).waitingReason, undefined);
    assert.equal((await listScheduled(deps, { kinds: ['unserved'] })).items.length, 0);
    await renderer.stop(1_000);
    await rest.stop(1_000);
  });

  it('does not call a task that waits for a busy worker unserved', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const registry = new ResourceRegistry().register('render', async (input: Json) => {
      await gate;
      return input;
    }).register('store', (input: Json) => input);
    const busy = new DurableRuntime({ sql: starter.db.sql, registry, workerId: 'busy', concurrency: 1, pollMs: 100, leaseMs: 3_000, logger: silentLogger });
    running.push(busy);
    await busy.start();
    const [first, second] = await Promise.all([0, 1].map((i) => startExecution(deps, { workflow: 'illustrated', input: { busy: i } })));
    await new Promise((r) => setTimeout(r, 300));
    for (const { executionId } of [first, second]) assert.equal((await describeExecution(deps, executionId)).waitingReason, undefined);
    release();
    for (const { executionId } of [first, second]) assert.equal((await waitForExecution(deps, executionId, 15_000)).status, 'SUCCEEDED');
    await busy.stop(1_000);
  });

  it('claims a family of resources by prefix, its wildcard characters taken literally', async () => {
    const now = new Date('2030-01-01T00:00:00.000Z');
    await enqueueJobs(deps.sql, ['activity:resize', 'activity_x', 'render', 'a%b:c', null].map((resource, i) => ({ kind: 'routing-probe', runAt: new Date(now.getTime() - 1000 + i), resource, payload: { resource } })));
    const served = servedResources(['activity:*', 'a%b:*']);
    const claimed = await claimDueJobs(deps.sql, { workerId: 'probe', now, limit: 10, leaseMs: 60_000, served });
    assert.deepEqual(claimed.map((j) => (j.payload as { resource: string | null }).resource).sort(), ['a%b:c', 'activity:resize', null].sort());
    await deps.sql.unsafe("delete from nightshift.jobs where kind = 'routing-probe'");
  });

  it('reads what a worker serves from NIGHTSHIFT_SERVES before nightshift.yaml, and refuses an empty name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nightshift-serves-'));
    try {
      assert.equal(loadConfig({ projectDir: dir, env: {} }).serves, null);
      writeFileSync(join(dir, 'nightshift.yaml'), 'serves: [render, "activity:*"]\n');
      assert.deepEqual(loadConfig({ projectDir: dir, env: {} }).serves, ['render', 'activity:*']);
      assert.deepEqual(loadConfig({ projectDir: dir, env: { NIGHTSHIFT_SERVES: 'paint, render' } }).serves, ['paint', 'render']);
      assert.throws(() => loadConfig({ projectDir: dir, env: { NIGHTSHIFT_SERVES: 'paint,,render' } }), { code: 'CONFIG_INVALID' });
      writeFileSync(join(dir, 'nightshift.yaml'), 'serves: []\n');
      assert.throws(() => loadConfig({ projectDir: dir, env: {} }), { code: 'CONFIG_INVALID' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
