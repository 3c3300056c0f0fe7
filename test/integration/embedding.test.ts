/**
 * The embeddable library against real Postgres: createNightshift with in-code resources and workflows,
 * every verb, a starts-only process beside a worker process, and the API mounted under /jobs of a plain
 * node:http server and of a Hono app.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { getRequestListener } from '@hono/node-server';
import { createNightshift, defineResource, TaskFailure, type Nightshift, type ResourceContext } from '../../src/lib/index.ts';
import { createApiKey } from '../../src/service/index.ts';
import { silentLogger, systemClock } from '../../src/shared/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

type Workflows = { greet: { name: string }; charge: { amount: number }; approve: Record<string, never>; signup: { email: string } };

const workflows = [
  { name: 'greet', parameters: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    definition: { StartAt: 'Greet', States: { Greet: { Type: 'Task', Resource: 'greeting', End: true } } } },
  { name: 'charge', StartAt: 'Charge', States: {
    Charge: { Type: 'Task', Resource: 'charge-card', Catch: [{ ErrorEquals: ['Payment.Declined'], ResultPath: '$.failure', Next: 'Declined' }], End: true },
    Declined: { Type: 'Pass', End: true } } },
  { name: 'approve', definition: { StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: 'greeting.waitForTaskToken', Parameters: { 'name.$': '$$.Task.Token' }, End: true } } } },
  { name: 'signup', triggers: [{ event: 'user.signed-up' }], definition: { StartAt: 'Greet', States: { Greet: { Type: 'Task', Resource: 'greeting', Parameters: { 'name.$': '$.email' }, End: true } } } },
];

const seen: ResourceContext[] = [];
const greeting = defineResource<{ name: string }, { message: string }>('greeting', (input, context) => {
  seen.push(context);
  context.logger.info({ name: input.name }, 'greeting');
  return { message: `Hello, ${input.name}` };
});

let db: TestDatabase;
let nightshift: Nightshift<Workflows>;
before(async () => {
  db = await createTestDatabase();
  nightshift = createNightshift<Workflows>({
    databaseUrl: db.url, workflows, workers: 4, logger: silentLogger,
    resources: [greeting, defineResource<{ amount: number }>('charge-card', () => {
      throw new TaskFailure('Payment.Declined', 'card expired');
    })],
  });
  await nightshift.start();
});
after(async () => {
  await nightshift?.stop();
  await db?.drop();
});

describe('createNightshift', () => {
  it('refuses a verb before start() with UNAVAILABLE', async () => {
    const idle = createNightshift({ databaseUrl: db.url, logger: silentLogger });
    await assert.rejects(idle.describeExecution('x'), { code: 'UNAVAILABLE' });
    assert.equal((await idle.api.fetch(new Request('http://app/v1/workflows'))).status, 503);
  });

  it('starts an execution, waits for it, and gives the handler its documented context', async () => {
    const done = await nightshift.startExecution('greet', { name: 'Ada' }, { wait: 10 });
    assert.deepEqual([done.status, done.output], ['SUCCEEDED', { message: 'Hello, Ada' }]);
    const context = seen.find((c) => c.executionId === done.executionId);
    assert.ok(context);
    assert.deepEqual([context.workflowName, context.stateName, context.attempt, context.idempotencyKey], ['greet', 'Greet', 0, `${done.executionId}:Greet:0`]);
    assert.ok(context.signal instanceof AbortSignal);
    assert.equal(typeof context.heartbeat, 'function');
    assert.equal(typeof context.logger.info, 'function');
  });

  it('answers the first execution for a repeated idempotency key', async () => {
    const first = await nightshift.startExecution('greet', { name: 'Bo' }, { idempotencyKey: 'k-1' });
    const again = await nightshift.startExecution('greet', { name: 'Bo' }, { idempotencyKey: 'k-1' });
    assert.equal(again.executionId, first.executionId);
    assert.equal(again.created, false);
  });

  it('refuses input that the parameters schema rejects, before anything starts', async () => {
    await assert.rejects(nightshift.startExecution('greet', { name: 42 } as never), { code: 'INPUT_INVALID' });
  });

  it("keeps a handler's TaskFailure name, so Catch matches it", async () => {
    const done = await nightshift.startExecution('charge', { amount: 5 }, { wait: 10 });
    assert.deepEqual(done.output, { amount: 5, failure: { Error: 'Payment.Declined', Cause: 'card expired' } });
  });

  it('schedules runs, lists them in the Scheduler and cancels one by id and the rest by filter', async () => {
    const one = await nightshift.schedule('greet', { name: 'Later' }, { delaySeconds: 3600 });
    const batch = await nightshift.scheduleList('greet', [{ name: 'a' }, { name: 'b' }], { startAt: new Date(Date.now() + 7_200_000), intervalSeconds: 60 });
    assert.equal(batch.count, 2);
    const listed = await nightshift.listScheduled({ workflow: 'greet', kinds: ['scheduled-run'] });
    assert.equal(listed.items.length, 3);
    assert.equal((await nightshift.cancelScheduled(one.scheduledRunId)).status, 'CANCELLED');
    assert.deepEqual(await nightshift.cancelScheduled({ batchId: batch.batchId }), { cancelled: 2 });
  });

  it('answers a task token, lists and describes executions, and reads their history', async () => {
    const started = await nightshift.startExecution('approve', {});
    const token = await until(() => seen.find((c) => c.workflowName === 'approve')?.taskToken ?? null);
    await nightshift.sendTaskSuccess(token, { approved: true });
    const done = await nightshift.waitForExecution(started.executionId, 10);
    assert.deepEqual(done.output, { approved: true });
    assert.equal((await nightshift.describeExecution(started.executionId)).status, 'SUCCEEDED');
    const listed = await nightshift.listExecutions({ workflow: 'approve' });
    assert.deepEqual(listed.items.map((e) => e.executionId), [started.executionId]);
    const history = await nightshift.executionHistory(started.executionId);
    assert.ok(history.some((e) => e.type === 'ExecutionSucceeded'));
  });

  it('emits an event that starts every subscribed workflow', async () => {
    const [started] = await nightshift.emit('user.signed-up', { email: 'x@example.com' });
    assert.equal(started.workflow, 'signup');
    assert.deepEqual((await nightshift.waitForExecution(started.executionId, 10)).output, { message: 'Hello, x@example.com' });
  });

  it('runs only the resources a process serves (serves); a Task nobody serves waits and says why', async () => {
    const painter = createNightshift({
      databaseUrl: db.url, workers: 2, logger: silentLogger, serves: ['render'],
      workflows: [{ name: 'paint-card', definition: { StartAt: 'Paint', States: { Paint: { Type: 'Task', Resource: 'paint', End: true } } } }],
      resources: { render: () => ({ rendered: true }), paint: () => ({ painted: true }) },
    });
    await painter.start();
    try {
      const started = await painter.startExecution('paint-card', {});
      let view = await painter.describeExecution(started.executionId);
      for (let i = 0; i < 100 && !view.waitingReason; i++) {
        await new Promise((r) => setTimeout(r, 20));
        view = await painter.describeExecution(started.executionId);
      }
      assert.equal(view.status, 'RUNNING');
      assert.equal(view.waitingReason, "waiting for a worker that serves 'paint'");
      await painter.stopExecution(started.executionId);
    } finally {
      await painter.stop();
    }
  });

  it('starts from a process without workers (workers: 0); a worker process runs the execution', async () => {
    const starter = createNightshift<Workflows>({ databaseUrl: db.url, workers: 0, logger: silentLogger });
    await starter.start();
    try {
      const started = await starter.startExecution('greet', { name: 'from a starter' });
      const done = await nightshift.waitForExecution(started.executionId, 10);
      assert.deepEqual(done.output, { message: 'Hello, from a starter' });
    } finally {
      await starter.stop();
    }
  });

  it("deploys a project folder's workflows at start and reads its nightshift.yaml", async () => {
    const project = mkdtempSync(join(tmpdir(), 'nightshift-embed-'));
    try {
      mkdirSync(join(project, 'workflows'));
      writeFileSync(join(project, 'nightshift.yaml'), 'concurrency: 3\n');
      writeFileSync(join(project, 'workflows', 'tick.yaml'), 'name: tick\ndefinition:\n  StartAt: T\n  States:\n    T: {Type: Task, Resource: greeting, End: true}\n');
      const fromProject = createNightshift<{ tick: { name: string } }>({ databaseUrl: db.url, project, resources: [greeting], logger: silentLogger });
      await fromProject.start();
      try {
        const run = await fromProject.startExecution('tick', { name: 'Project' }, { wait: 10 });
        assert.deepEqual([run.status, run.output], ['SUCCEEDED', { message: 'Hello, Project' }]);
      } finally {
        await fromProject.stop();
      }
      writeFileSync(join(project, 'workflows', 'broken.yaml'), 'name: broken\ndefinition:\n  StartAt: A\n  States:\n    A: {Type: Pass, Next: Nowhere}\n');
      const broken = createNightshift({ databaseUrl: db.url, project, workers: 0, logger: silentLogger });
      await assert.rejects(broken.start(), (e: { code: string; message: string }) => e.code === 'DEFINITION_INVALID' && /broken\.yaml/.test(e.message) && /Nowhere/.test(e.message));
      writeFileSync(join(project, 'nightshift.yaml'), 'concurrency: many\n');
      assert.throws(() => createNightshift({ databaseUrl: db.url, project }), (e: { code: string; message: string }) => e.code === 'CONFIG_INVALID' && /concurrency/.test(e.message));
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('refuses invalid workflows at start with every problem and its location', async () => {
    const broken = createNightshift({ databaseUrl: db.url, workers: 0, logger: silentLogger, workflows: [{ name: 'bad', StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }] });
    await assert.rejects(broken.start(), (e: { code: string; message: string }) => e.code === 'DEFINITION_INVALID' && /Nowhere/.test(e.message));
  });
});

describe('the API mounted in a host application', () => {
  let key: string;
  before(async () => {
    ({ key } = await createApiKey({ sql: db.sql, clock: systemClock }, { name: 'host app', role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true }));
  });

  async function callUnderJobs(base: string): Promise<void> {
    const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
    const started = await fetch(`${base}/jobs/v1/workflows/greet/executions?wait=10`, { method: 'POST', headers, body: JSON.stringify({ name: 'Mounted' }) });
    assert.equal(started.status, 200, await started.clone().text());
    assert.deepEqual((await started.json()).output, { message: 'Hello, Mounted' });
    const document = await fetch(`${base}/jobs/openapi.json`);
    assert.equal(document.status, 200);
    assert.equal((await fetch(`${base}/jobs/v1/workflows`)).status, 401, 'the API still asks for its key');
  }

  it('serves under /jobs of a plain node:http server, next to the host app routes', async () => {
    const jobs = nightshift.api.node({ basePath: '/jobs' });
    const server: Server = createServer((req, res) => (req.url?.startsWith('/jobs') ? jobs(req, res) : res.end('host app')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await callUnderJobs(base);
      assert.equal(await (await fetch(`${base}/other`)).text(), 'host app');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('serves under /jobs of a Hono app', async () => {
    const app = new Hono();
    app.get('/', (c) => c.text('host app'));
    app.mount('/jobs', nightshift.api.fetch);
    const server: Server = createServer(getRequestListener(app.fetch));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await callUnderJobs(base);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

async function until<T>(probe: () => T | null): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}
