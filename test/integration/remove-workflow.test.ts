/**
 * Removing a workflow archives it (issue 12): through the API, the CLI, or its file deleted while dev
 * runs. No new starts, its table trigger dropped (the outbox no longer fills) and its file schedules
 * gone; executions in flight finish on their pinned version and the history stays listed; deploying
 * it again un-archives it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/index.ts';
import { describeScheduledRun, listSchedules, publishEvent, scheduleRun, startExecution, waitForExecution } from '../../src/service/index.ts';
import { silentLogger } from '../../src/shared/index.ts';
import { apiClient, type Call } from '../support/api-client.ts';
import { until } from '../support/wait.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let project: string;
let engine: Engine;
let api: Call;

const file = (name: string) => join(project, 'workflows', `${name}.yaml`);
const writeWorkflow = (name: string, table: string) =>
  writeFileSync(file(name), [
    `name: ${name}`,
    'triggers:',
    '  - http: {}',
    `  - event: ${name}-due`,
    '  - cron: "0 9 * * *"',
    `  - table: public.${table}`,
    '    on: [INSERT]',
    'definition:',
    '  StartAt: Nap',
    '  States: { Nap: { Type: Wait, SecondsPath: $.seconds, End: true } }',
    '',
  ].join('\n'));

async function triggersOn(table: string): Promise<number> {
  const [row] = await db.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from pg_trigger where tgrelid = 'public.${table}'::regclass and not tgisinternal`);
  return row.n;
}

async function outboxAfterInsert(table: string): Promise<number> {
  await db.sql.unsafe(`insert into public.${table} (note) values ('x')`);
  const [row] = await db.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from nightshift.outbox where table_name = '${table}'`);
  return row.n;
}

before(async () => {
  db = await createTestDatabase();
  await db.sql.unsafe('create table public.signups (id serial primary key, note text); create table public.orders (id serial primary key, note text)');
  project = mkdtempSync(join(tmpdir(), 'nightshift-remove-'));
  mkdirSync(join(project, 'workflows'));
  writeWorkflow('welcome', 'signups');
  writeWorkflow('invoice', 'orders');
  const config = loadConfig({ projectDir: project, env: { DATABASE_URL: db.url, NIGHTSHIFT_AUTH: 'disabled', NIGHTSHIFT_POLL_MS: '100' } });
  engine = await createEngine({ config, logger: silentLogger, workers: true, listen: { port: 0 } });
  await engine.deployWorkflows();
  api = apiClient(engine.url as string, 'unused');
});
after(async () => {
  await engine?.stop({ graceMs: 1_000 });
  await db?.drop();
  rmSync(project, { recursive: true, force: true });
});

describe('removing a workflow', () => {
  it('archives it through DELETE /v1/workflows/{name}: no starts, no triggers, in-flight executions finish, history stays, a deploy restores it', async () => {
    const inFlight = await startExecution(engine.deps, { workflow: 'welcome', input: { seconds: 1 } });
    assert.equal(await triggersOn('signups'), 1);
    assert.equal((await listSchedules(engine.deps, { workflow: 'welcome' })).items.length, 1);

    const removed = await api('DELETE', '/v1/workflows/welcome');
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.deepEqual({ ...removed.body, archivedAt: typeof removed.body.archivedAt }, { name: 'welcome', archivedAt: 'string', tableTriggersDropped: 1, schedulesDeleted: 1 });

    const refused = await api('POST', '/v1/workflows/welcome/executions', { input: { seconds: 0 } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'WORKFLOW_ARCHIVED');
    assert.equal(await triggersOn('signups'), 0);
    assert.equal(await outboxAfterInsert('signups'), 0, 'the outbox no longer fills');
    assert.equal((await listSchedules(engine.deps, { workflow: 'welcome' })).items.length, 0);
    const [listed] = (await api('GET', '/v1/workflows')).body.items.filter((w: { name: string }) => w.name === 'welcome');
    assert.equal(listed.archivedAt, removed.body.archivedAt);

    assert.equal((await waitForExecution(engine.deps, inFlight.executionId, 10_000)).status, 'SUCCEEDED');
    const history = await api('GET', '/v1/executions?workflow=welcome');
    assert.deepEqual(history.body.items.map((e: { executionId: string }) => e.executionId), [inFlight.executionId]);
    assert.equal((await api('GET', `/v1/executions/${inFlight.executionId}/history`)).status, 200);

    assert.equal((await api('DELETE', '/v1/workflows/welcome')).body.archivedAt, removed.body.archivedAt, 'removing twice keeps the first time');
    assert.equal((await api('DELETE', '/v1/workflows/nobody')).status, 404);

    const redeployed = await engine.deployWorkflows();
    assert.ok(redeployed.deployed.some((d) => d.name === 'welcome' && d.changed), 'a deploy of an archived workflow counts as a change');
    assert.equal((await api('POST', '/v1/workflows/welcome/executions', { input: { seconds: 0 } })).status, 201);
    assert.equal(await triggersOn('signups'), 1);
    assert.equal((await listSchedules(engine.deps, { workflow: 'welcome' })).items.length, 1);
  });

  it('starts nothing for its events and cancels its scheduled runs once archived, where a retry would block them forever', async () => {
    const run = await scheduleRun(engine.deps, { workflow: 'welcome', input: { seconds: 0 }, delaySeconds: 1 });
    assert.equal((await publishEvent(engine.deps, 'welcome-due', { seconds: 0 })).length, 1);
    assert.equal((await api('DELETE', '/v1/workflows/welcome')).status, 200);
    assert.deepEqual(await publishEvent(engine.deps, 'welcome-due', { seconds: 0 }), []);
    const ended = await until('the run', () => describeScheduledRun(engine.deps, run.scheduledRunId), (r) => r.status !== 'SCHEDULED', 10_000);
    assert.equal(ended.status, 'CANCELLED');
    assert.match(ended.error ?? '', /WORKFLOW_ARCHIVED/);
    await engine.deployWorkflows();
  });

  it('archives it with nightshift workflows remove, and exits 3 for a workflow that does not exist', async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) };
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.url;
    try {
      assert.equal(await main(['workflows', 'remove', 'invoice', '--dir', project], io), 0);
      assert.equal(JSON.parse(out.join('')).name, 'invoice');
      await assert.rejects(startExecution(engine.deps, { workflow: 'invoice', input: { seconds: 0 } }), { code: 'WORKFLOW_ARCHIVED' });
      assert.equal(await triggersOn('orders'), 0);
      out.length = 0;
      assert.equal(await main(['workflows', 'remove', 'nobody', '--dir', project], io), 3);
      assert.match(out.join(''), /WORKFLOW_NOT_FOUND/);
      out.length = 0;
      assert.equal(await main(['workflows', 'ls', '--dir', project], io), 0);
      assert.match(out.join(''), /invoice .* removed 20/);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
    await engine.deployWorkflows();
  });

  it('archives the workflow of a file deleted under dev, and keeps one whose file is being edited', async () => {
    writeWorkflow('farewell', 'orders');
    assert.deepEqual((await engine.deployWorkflows(undefined, { archiveRemoved: true })).removed, []);
    writeFileSync(file('invoice'), 'name: invoice\ndefinition: [not, a, machine\n');
    unlinkSync(file('farewell'));
    const report = await engine.deployWorkflows(undefined, { archiveRemoved: true });
    assert.deepEqual(report.removed.map((r) => r.name), ['farewell']);
    await assert.rejects(startExecution(engine.deps, { workflow: 'farewell', input: { seconds: 0 } }), { code: 'WORKFLOW_ARCHIVED' });
    assert.equal((await startExecution(engine.deps, { workflow: 'invoice', input: { seconds: 0 } })).created, true);
    writeWorkflow('farewell', 'orders');
    assert.deepEqual((await engine.deployWorkflows(undefined, { archiveRemoved: true })).removed, []);
    assert.equal((await startExecution(engine.deps, { workflow: 'farewell', input: { seconds: 0 } })).created, true);
  });
});
