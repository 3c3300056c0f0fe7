/**
 * What the dashboard needs from the server, through the real app and a real database: the list of
 * table triggers, one version of a workflow (an execution's graph), and the dashboard's own files —
 * public, cached when hashed, the app for any page, a page saying how to build it when it is missing.
 * (auth.test.ts checks every route, these included, for missing credentials, scopes and bad input.)
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflow } from '../../src/asl/index.ts';
import { createApp } from '../../src/api/index.ts';
import { createApiKey, deployWorkflow } from '../../src/service/index.ts';
import { syncTableSubscriptions } from '../../src/triggers/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
let app: ReturnType<typeof createApp>;
let built = '';
let admin = '';
let reader = '';
const pass = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Pass', End: true } } });

async function deploy(wrapper: Record<string, unknown>): Promise<void> {
  const { workflow, problems } = loadWorkflow(JSON.stringify(wrapper), `${String(wrapper.name)}.json`, { isKnownResource: () => true });
  assert.ok(workflow, JSON.stringify(problems));
  await deployWorkflow(engine.deps, workflow);
  await syncTableSubscriptions(engine.deps, workflow.name, workflow.triggers);
}

async function get(path: string, key: string | null = reader, target = app): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await target.request(path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML or script: kept as text.
  }
  return { status: response.status, headers: response.headers, body };
}

before(async () => {
  // No outbox drain is registered, so captured changes stay waiting and can be counted.
  engine = await createTestEngine();
  const sql = engine.db.sql;
  await sql`create table public.accounts (id serial primary key, email text, plan text)`;
  await sql`create table public.invoices (id serial primary key, total int)`;
  const role = 'authenticated';
  await deploy({ name: 'on-account', triggers: [{ table: 'public.accounts', on: ['INSERT', 'UPDATE'], when: 'new.email is not null', role }], definition: pass('Hello') });
  await deploy({ name: 'on-invoice', triggers: [{ table: 'invoices' }], definition: pass('Bill') });
  admin = (await createApiKey(engine.deps, { role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true })).key;
  reader = (await createApiKey(engine.deps, { role: 'authenticated', scopes: ['read'] })).key;
  built = mkdtempSync(join(tmpdir(), 'nightshift-dashboard-dist-'));
  mkdirSync(join(built, 'assets'));
  writeFileSync(join(built, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/dashboard/assets/app-3f9a1c.js"></script>');
  writeFileSync(join(built, 'assets', 'app-3f9a1c.js'), 'console.log("dashboard")');
  app = createApp({ ...engine.deps, dashboardDir: built });
});

after(async () => {
  rmSync(built, { recursive: true, force: true });
  await engine?.close();
});

describe('GET /v1/table-triggers', () => {
  it('lists every live table trigger with its table, operations, condition, role and Postgres trigger', async () => {
    const reply = await get('/v1/table-triggers');
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const [account, invoice] = reply.body.items;
    assert.deepEqual(
      { ...account, id: 0, claims: null },
      { id: 0, workflow: 'on-account', table: 'public.accounts', operations: ['INSERT', 'UPDATE'], when: 'new.email is not null', role: account.role, claims: null, triggerName: account.triggerName, installed: true, pendingChanges: 0 },
    );
    assert.match(account.triggerName, /^nightshift_on-account_\d+$/);
    assert.deepEqual([invoice.workflow, invoice.table, invoice.operations, invoice.when, invoice.role], ['on-invoice', 'public.invoices', ['INSERT', 'UPDATE', 'DELETE'], null, null]);
  });

  it('counts the changes captured and not delivered yet, and filters by workflow', async () => {
    await engine.db.sql`insert into public.accounts (email) values ('a@example.com'), ('b@example.com'), (null)`;
    const reply = await get('/v1/table-triggers?workflow=on-account');
    assert.deepEqual(reply.body.items.map((t: { workflow: string; pendingChanges: number }) => [t.workflow, t.pendingChanges]), [['on-account', 2]]);
    assert.deepEqual((await get('/v1/table-triggers?workflow=nobody')).body.items, []);
  });

  it('says when a trigger is gone from its table (the table was dropped and made again)', async () => {
    await engine.db.sql`drop table public.invoices`;
    await engine.db.sql`create table public.invoices (id serial primary key, total int)`;
    const invoice = (await get('/v1/table-triggers?workflow=on-invoice')).body.items[0];
    assert.equal(invoice.installed, false);
  });

  it('refuses an unknown filter', async () => {
    const reply = await get('/v1/table-triggers?table=public.accounts');
    assert.deepEqual([reply.status, reply.body.error.code], [400, 'INPUT_INVALID']);
  });
});

describe('GET /v1/workflows/{name}/versions/{versionId}', () => {
  it('answers the version an execution ran on, after the workflow has changed', async () => {
    await deploy({ name: 'evolving', definition: pass('First') });
    const first = (await get('/v1/workflows/evolving')).body.versionId;
    await deploy({ name: 'evolving', definition: pass('Second') });
    const old = await get(`/v1/workflows/evolving/versions/${first}`);
    assert.equal(old.status, 200);
    assert.deepEqual([old.body.versionId, old.body.definition.StartAt, old.body.metadata.mode], [first, 'First', 'persistent']);
    assert.equal((await get('/v1/workflows/evolving')).body.definition.StartAt, 'Second');
  });

  it('answers 404 for a version of another workflow and for an id that is no version', async () => {
    const other = (await get('/v1/workflows/on-account')).body.versionId;
    for (const id of [other, '0'.repeat(32), 'not-a-version']) {
      const reply = await get(`/v1/workflows/evolving/versions/${id}`);
      assert.deepEqual([reply.status, reply.body.error.code], [404, 'WORKFLOW_NOT_FOUND'], id);
    }
  });
});

describe('the dashboard files at /dashboard/', () => {
  it('are served without credentials, the page never cached and the hashed assets cached for a year', async () => {
    const page = await get('/dashboard/', null);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const script = await get('/dashboard/assets/app-3f9a1c.js', null);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  it('answer every page of the app with index.html, and a missing asset with 404', async () => {
    for (const path of ['/dashboard/executions/123', '/dashboard/keys', '/dashboard/scheduler?batchId=x']) {
      const reply = await get(path, null);
      assert.equal(reply.status, 200, path);
      assert.match(reply.body, /<div id="root">/);
    }
    const redirect = await app.request('/dashboard');
    assert.deepEqual([redirect.status, redirect.headers.get('location')], [301, '/dashboard/']);
    assert.equal((await get('/dashboard/assets/gone-000000.js', null)).status, 404);
  });

  it('never serve a file outside the build, and answer nothing but GET', async () => {
    for (const path of ['/dashboard/../package.json', '/dashboard/%2e%2e/package.json', '/dashboard/assets/..%2f..%2fpackage.json']) {
      const reply = await get(path, null);
      assert.ok(!String(reply.body).includes('"name": "nightshift"'), path);
    }
    const post = await app.request('/dashboard/', { method: 'POST' });
    assert.equal(post.status, 404);
  });

  it('are replaced by a page saying how to build them when the build is missing', async () => {
    const bare = createApp({ ...engine.deps, dashboardDir: join(built, 'missing') });
    const reply = await get('/dashboard/', null, bare);
    assert.equal(reply.status, 503);
    assert.match(reply.body, /npm run build:dashboard/);
    assert.equal((await get('/v1/workflows', admin, bare)).status, 200, 'the API works without it');
  });
});
