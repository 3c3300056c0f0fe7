/**
 * Operators' view of a known workload: a real engine (real Postgres, its own worker) runs 5 executions
 * that succeed through a Task and a 1 s Wait and 2 whose Task fails, with 3 runs scheduled for later;
 * /metrics then shows exactly those counts, and the log has one line per failed execution and per failed
 * Task with its execution id, state and error — and none of the input.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { createEngineMetrics } from '../../src/boot/metrics.ts';
import { loadConfig } from '../../src/config/index.ts';
import { TaskFailure } from '../../src/resources/index.ts';
import type { Logger } from '../../src/shared/index.ts';
import { connect, poolStats } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { until } from '../support/wait.ts';

let db: TestDatabase;
let engine: Engine;
let url = '';
let project = '';
const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
const logger: Logger = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((level) => [level, (fields: Record<string, unknown>, message: string) => lines.push({ level, message, fields })])) as unknown as Logger;

const files: Record<string, string> = {
  'ok.yaml': ['name: ok', 'definition:', '  StartAt: Work', '  States:', '    Work: { Type: Task, Resource: "ops:echo", Next: Pause }', '    Pause: { Type: Wait, Seconds: 1, End: true }', ''].join('\n'),
  'held.yaml': ['name: held', 'flow:', '  concurrency: { limit: 1, key: $.user }', 'definition:', '  StartAt: Sleep', '  States:', '    Sleep: { Type: Wait, Seconds: 60, End: true }', ''].join('\n'),
  'bad.yaml': ['name: bad', 'definition:', '  StartAt: Work', '  States:', '    Work: { Type: Task, Resource: "ops:break", End: true }', ''].join('\n'),
};

before(async () => {
  db = await createTestDatabase();
  project = mkdtempSync(join(tmpdir(), 'nightshift-metrics-'));
  mkdirSync(join(project, 'workflows'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(project, 'workflows', name), text);
  const config = loadConfig({ projectDir: project, env: { DATABASE_URL: db.url, NIGHTSHIFT_AUTH: 'disabled', NIGHTSHIFT_CONCURRENCY: '7', NIGHTSHIFT_POLL_MS: '200' } });
  engine = await createEngine({
    config, logger, workers: true,
    resources: {
      'ops:echo': async (input) => input,
      'ops:break': async () => {
        throw new TaskFailure('Ops.Broken', 'the peer said no');
      },
    },
  });
  await engine.deployWorkflows();
  url = await engine.serve({ port: 0 });
});
after(async () => {
  await engine?.stop();
  await db?.drop();
  rmSync(project, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<any> {
  const reply = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const json = await reply.json();
  assert.ok(reply.ok, JSON.stringify(json));
  return json;
}

/** The value of one series in the exposition text, or undefined. */
function series(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('metrics and logs of a known workload', () => {
  it('counts executions, states, tasks, timers, slots and scheduled runs exactly, and logs each failure without the input', async () => {
    const ok = await Promise.all([1, 2, 3, 4, 5].map((n) => post('/v1/workflows/ok/executions?wait=20', { n, password: 'hunter2' })));
    const bad = await Promise.all([1, 2].map((n) => post('/v1/workflows/bad/executions?wait=20', { n, password: 'hunter2' })));
    assert.deepEqual(ok.map((v) => v.status), Array(5).fill('SUCCEEDED'));
    assert.deepEqual(bad.map((v) => v.status), ['FAILED', 'FAILED']);
    // Per user one at a time: the second and third start of user 1 wait, with a reason full of keys.
    for (const user of [1, 1, 1, 2]) await post('/v1/workflows/held/executions', { user });
    await post('/v1/workflows/ok/schedule', { items: [{ n: 1 }, { n: 2 }, { n: 3 }], startAt: new Date(Date.now() + 3_600_000).toISOString(), intervalSeconds: 60 });

    // The first scrape's own queue statement is a transaction waiting for a connection while the pool
    // gauges are read; the second, within a second, reuses its result and runs nothing.
    await fetch(`${url}/metrics`);
    const text = await (await fetch(`${url}/metrics`)).text();
    const expected: Record<string, number> = {
      'nightshift_executions_started_total{workflow="ok"}': 5,
      'nightshift_executions_started_total{workflow="bad"}': 2,
      'nightshift_executions_finished_total{workflow="ok",status="SUCCEEDED"}': 5,
      'nightshift_executions_finished_total{workflow="bad",status="FAILED"}': 2,
      'nightshift_task_duration_seconds_count{workflow="ok",state="Work",resource="ops:echo",outcome="succeeded"}': 5,
      'nightshift_task_duration_seconds_count{workflow="bad",state="Work",resource="ops:break",outcome="failed"}': 2,
      'nightshift_state_duration_seconds_count{workflow="ok",state="Work"}': 5,
      'nightshift_state_duration_seconds_count{workflow="ok",state="Pause"}': 5,
      'nightshift_state_duration_seconds_count{workflow="bad",state="Work"}': 0,
      'nightshift_timer_lateness_seconds_count': 5,
      'nightshift_worker_slots_total': 7,
      'nightshift_worker_slots_busy': 0,
      'nightshift_scheduled_runs_pending': 3,
      'nightshift_outbox_backlog': 0,
      'nightshift_held_starts{reason="concurrency"}': 2,
      'nightshift_db_pool_size{pool="statements"}': 9,
      'nightshift_db_pool_connections_in_use{pool="statements"}': 0,
      'nightshift_db_pool_requests_waiting{pool="statements"}': 0,
    };
    const actual = Object.fromEntries(Object.keys(expected).map((name) => [name, series(text, name) ?? 0]));
    assert.deepEqual(actual, expected);
    // Every Pause lasted its second (the bucket of 1 s holds none, the one of 2.5 s all).
    assert.equal(series(text, 'nightshift_state_duration_seconds_bucket{le="0.5",workflow="ok",state="Pause"}'), 0);
    assert.equal(series(text, 'nightshift_state_duration_seconds_bucket{le="2.5",workflow="ok",state="Pause"}'), 5);
    assert.match(text, /nightshift_group_commit_executions_count \d+/);
    // Every job kind and held-start reason has a series, 0 when nothing is there (not a missing one).
    assert.equal(series(text, 'nightshift_held_starts{reason="debounce"}'), 0);
    assert.equal(series(text, 'nightshift_jobs_ready{kind="outbox-drain"}'), 0);
    assert.equal(series(text, 'nightshift_jobs_oldest_ready_age_seconds{kind="outbox-drain"}'), 0);
    assert.match(text, /nightshift_http_requests_total\{/);

    const failedExecutions = lines.filter((l) => l.message === 'execution failed');
    assert.deepEqual(failedExecutions.map((l) => [l.fields.executionId, l.fields.state, l.fields.error, l.fields.cause]).sort(),
      bad.map((v) => [v.executionId, 'Work', 'Ops.Broken', 'the peer said no']).sort());
    const failedTasks = lines.filter((l) => l.message === 'task failed');
    assert.deepEqual(failedTasks.map((l) => [l.fields.executionId, l.fields.state, l.fields.resource, l.fields.error]).sort(),
      bad.map((v) => [v.executionId, 'Work', 'ops:break', 'Ops.Broken']).sort());
    assert.doesNotMatch(JSON.stringify(lines), /hunter2/);
  });

  it('exports every metric the example Grafana dashboard and docs/observability.md name', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const exported = new Set([...text.matchAll(/^# HELP (\S+)/gm)].map((m) => m[1]));
    for (const file of ['docs/grafana-dashboard.json', 'docs/observability.md']) {
      const named = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').matchAll(/nightshift_[a-z_]+/g);
      const missing = [...new Set([...named].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')))].filter((name) => !exported.has(name));
      assert.deepEqual(missing, [], file);
    }
  });

  it('shows a pool saturated by slow statements on /metrics: every connection in use and requests waiting, then none', async () => {
    const gauges = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return { inUse: series(text, 'nightshift_db_pool_connections_in_use{pool="statements"}'), waiting: series(text, 'nightshift_db_pool_requests_waiting{pool="statements"}') };
    };
    // 9 connections (concurrency 7 + 2): 12 statements of 2 s each, plus one transaction, leave 4 waiting.
    const sleepers = [
      ...Array.from({ length: 12 }, () => engine.sql`select pg_sleep(2)`.then(() => undefined)),
      engine.sql.begin(async (tx) => {
        await tx`select pg_sleep(2)`;
      }).then(() => undefined),
    ];
    const busy = await gauges();
    assert.equal(busy.inUse, 9);
    assert.ok(busy.waiting !== undefined && busy.waiting >= 4, `waiting: ${busy.waiting}`);
    await Promise.all(sleepers);
    // A scrape whose queue statement runs counts it; the next, within the second it is cached, does not.
    await until('the pool idle again', gauges, (g) => g.inUse === 0 && g.waiting === 0, 10_000);
  });

  it('counts units of work, not queries inside them: statements, transactions and reserved connections; never a fragment', async () => {
    const pool = connect(db.url, { max: 2 });
    try {
      const fragment = pool`where true`;
      assert.deepEqual(poolStats(pool), { size: 2, inUse: 0, waiting: 0 });
      const work = [
        pool`select pg_sleep(0.5) ${fragment}`.then(() => undefined),
        pool.unsafe('select pg_sleep(0.5)').then(() => undefined),
        pool.begin(async (tx) => {
          await tx`select 1`;
          await tx`select pg_sleep(0.2)`;
        }).then(() => undefined),
      ];
      const reserved = pool.reserve();
      assert.deepEqual(poolStats(pool), { size: 2, inUse: 2, waiting: 2 });
      await Promise.all(work);
      const connection = await reserved;
      assert.deepEqual(poolStats(pool), { size: 2, inUse: 1, waiting: 0 });
      connection.release();
      connection.release();
      await assert.rejects(pool`select nonsense`);
      await assert.rejects(pool.begin(async () => {
        throw new Error('rolled back');
      }));
      assert.deepEqual(poolStats(pool), { size: 2, inUse: 0, waiting: 0 });
    } finally {
      await pool.end();
    }
  });

  it('caps each label at maxLabelValues distinct values and counts the rest as "other"', async () => {
    const { registry, metrics } = createEngineMetrics({ sql: db.sql, logger, slots: () => ({ busy: 0, total: 0 }), maxLabelValues: 2 });
    for (const name of ['a', 'b', 'c', 'd', 'a']) metrics.executionStarted(name);
    const text = await registry.metrics();
    assert.equal(series(text, 'nightshift_executions_started_total{workflow="a"}'), 2);
    assert.equal(series(text, 'nightshift_executions_started_total{workflow="b"}'), 1);
    assert.equal(series(text, 'nightshift_executions_started_total{workflow="other"}'), 2);
    assert.equal(series(text, 'nightshift_executions_started_total{workflow="c"}'), undefined);
  });
});
