/**
 * Nightshift through Debian's PgBouncer in transaction pooling mode (no prepared statements survive a
 * transaction there): DATABASE_URL through the pooler, with and without DATABASE_DIRECT_URL. Starts over
 * HTTP, Task steps, Wait timers, `sql:query` (SET LOCAL inside the step's transaction) and a table-change
 * trigger all complete; migrations run through the direct connection, or through the pooler without one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { pgbouncerBin, startPgbouncer, type Pgbouncer } from '../support/pgbouncer.ts';
import { until } from '../support/wait.ts';

const bin = pgbouncerBin();
let bouncer: Pgbouncer;
let project = '';

const flow = `name: flow
ignorePrivacyRules: true
definition:
  StartAt: Work
  States:
    Work:
      Type: Task
      Resource: ops:double
      Next: Pause
    Pause:
      Type: Wait
      Seconds: 1
      Next: Count
    Count:
      Type: Task
      Resource: sql:query
      Parameters:
        sql: select count(*)::int as n from nightshift.workflows where name = $1
        params: [flow]
      ResultSelector:
        n.$: $.rows[0].n
      ResultPath: $.count
      End: true
`;

const onInsert = `name: on-insert
triggers:
  - table: public.pgb_items
    on: [INSERT]
definition:
  StartAt: Done
  States:
    Done:
      Type: Pass
      End: true
`;

before(async () => {
  if (!bin) return;
  bouncer = await startPgbouncer(bin, createTestDatabaseServer());
  project = mkdtempSync(join(tmpdir(), 'nightshift-pgbouncer-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'workflows', 'flow.yaml'), flow);
  writeFileSync(join(project, 'workflows', 'on-insert.yaml'), onInsert);
});
after(async () => {
  await bouncer?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** The test server's URL (any database: PgBouncer routes by the database name the client asks for). */
function createTestDatabaseServer(): string {
  return process.env.NIGHTSHIFT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function run(db: TestDatabase, env: Record<string, string>): Promise<{ engine: Engine; url: string }> {
  const config = loadConfig({ projectDir: project, env: { NIGHTSHIFT_AUTH: 'disabled', NIGHTSHIFT_POLL_MS: '500', ...env } });
  const engine = await createEngine({
    config, workers: true,
    resources: { 'ops:double': async (input) => ({ doubled: Number((input as { n: number }).n) * 2 }) },
  });
  const report = await engine.deployWorkflows();
  assert.deepEqual(report.invalid, []);
  return { engine, url: await engine.serve({ port: 0 }) };
}

async function json(url: string, init?: RequestInit): Promise<any> {
  const reply = await fetch(url, { ...init, headers: { 'content-type': 'application/json' } });
  const body = await reply.json();
  assert.ok(reply.ok, JSON.stringify(body));
  return body;
}

/** 20 starts at once (several pooled connections), each through Task, Wait and sql:query; then a table trigger. */
async function workload(db: TestDatabase, url: string): Promise<{ triggerMs: number }> {
  const views = await Promise.all(Array.from({ length: 20 }, (_, n) =>
    json(`${url}/v1/workflows/flow/executions?wait=30`, { method: 'POST', body: JSON.stringify({ n }) })));
  for (const [n, view] of views.entries()) {
    assert.equal(view.status, 'SUCCEEDED', JSON.stringify(view));
    assert.deepEqual(view.output, { doubled: n * 2, count: { n: 1 } });
  }
  const inserted = Date.now();
  await db.sql.unsafe('insert into public.pgb_items values (1)');
  await until('the table-change execution', async () => (await json(`${url}/v1/executions?workflow=on-insert&status=SUCCEEDED`)).items.length, (n) => n === 1, 20_000);
  return { triggerMs: Date.now() - inserted };
}

describe('through PgBouncer in transaction pooling mode', { skip: bin ? false : 'pgbouncer is not installed (.ci/run installs it: apt-get install pgbouncer)' }, () => {
  it('runs starts, Task steps, Wait timers, sql:query and table triggers, LISTENing on DATABASE_DIRECT_URL', async () => {
    const db = await createTestDatabase({ migrated: false });
    await db.sql.unsafe('create table public.pgb_items (id int primary key)');
    const { engine, url } = await run(db, { DATABASE_URL: bouncer.pooled(db.url), DATABASE_DIRECT_URL: db.url });
    try {
      const { triggerMs } = await workload(db, url);
      const ready = await json(`${url}/readyz`);
      assert.deepEqual(ready.checks.listener, { ok: true });
      console.log(`# table change → execution through the pooler with LISTEN on the direct URL: ${triggerMs} ms`);
    } finally {
      await engine.stop();
      await db.drop();
    }
  });

  it('without a direct URL, migrates through the pooler, LISTENs nowhere and still finishes everything by polling', async () => {
    const db = await createTestDatabase({ migrated: false });
    await db.sql.unsafe('create table public.pgb_items (id int primary key)');
    const { engine, url } = await run(db, { DATABASE_URL: bouncer.pooled(db.url), NIGHTSHIFT_DATABASE_POOLED: 'true' });
    try {
      const { triggerMs } = await workload(db, url);
      const ready = await json(`${url}/readyz`);
      assert.equal(ready.checks.listener.ok, true);
      assert.match(ready.checks.listener.detail, /^off: /);
      const listening = await db.sql.unsafe("select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen%'");
      assert.equal(listening[0].n, 0);
      console.log(`# table change → execution through the pooler, polling every 500 ms: ${triggerMs} ms`);
    } finally {
      await engine.stop();
      await db.drop();
    }
  });
});
