/**
 * The database goes away under a running worker: a dedicated embedded Postgres (never the shared
 * server) is stopped while executions sit in Tasks, Waits and a Map, and started again on the same
 * port. The worker's pool reconnects by itself, work cut off by the outage runs again once its lease
 * runs out, and every execution completes with each state's success recorded once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadWorkflow } from '../../src/asl/index.ts';
import { ResourceRegistry } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { deployWorkflow, describeExecution, startExecution, type ServiceDeps } from '../../src/service/index.ts';
import { systemClock, type Json, type Logger } from '../../src/shared/index.ts';
import { unreachableEmbeddedBinaries } from '../support/embedded.ts';
import { connect, jobsChannel, migrate, startEmbeddedPostgres, type EmbeddedPostgres, type Sql } from '../../src/store/index.ts';
import { startSystemPostgres, systemPostgresBin } from '../support/system-postgres.ts';

const executions = 60;
const items = [1, 2, 3];

const definition = {
  StartAt: 'First',
  States: {
    First: { Type: 'Task', Resource: 'restart:work', Parameters: { ms: 400 }, ResultPath: null, Next: 'Pause' },
    Pause: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Fan' },
    Fan: {
      Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, ResultPath: '$.fan', Next: 'Last',
      ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Task', Resource: 'restart:work', Parameters: { ms: 150, 'n.$': '$' }, End: true } } },
    },
    Last: { Type: 'Task', Resource: 'restart:work', Parameters: { ms: 100 }, ResultPath: '$.last', End: true },
  },
};

/**
 * The server to restart: the embedded one, or, where it cannot run (root in a checkout the postgres
 * user cannot enter), a private cluster of the machine's own Postgres programs.
 */
const blocked = unreachableEmbeddedBinaries();
const systemBin = blocked === null ? null : systemPostgresBin();
const unavailable = blocked !== null && systemBin === null
  ? `running as root in a checkout under ${blocked}, which the postgres user cannot enter, and no Postgres server programs are installed`
  : null;
const startServer = (dir: string, port?: number): Promise<EmbeddedPostgres> =>
  systemBin === null ? startEmbeddedPostgres({ dataDir: dir, ...(port === undefined ? {} : { port }) }) : startSystemPostgres(systemBin, dir, port);
let dataDir: string;
let server: EmbeddedPostgres | undefined;
let sql: Sql;
let runtime: DurableRuntime | undefined;
/** Set by `after`: a test body still running after a failure must not start a server nobody stops. */
let closing = false;
let restarting: Promise<EmbeddedPostgres> | undefined;
const warnings: string[] = [];
/** Resource calls by idempotency key. */
const calls = new Map<string, number>();

const logger: Logger = {
  debug() {},
  info() {},
  warn: (fields, message) => void warnings.push(`${message} ${JSON.stringify(fields)}`),
  error: (fields, message) => void warnings.push(`ERROR ${message} ${JSON.stringify(fields)}`),
};

// Safety nets only: initdb and two starts take a few seconds here.
before(async () => {
  if (unavailable !== null) return;
  // mkdtemp makes the directory itself, so no parent stands between the `postgres` user and it when run as root.
  dataDir = await mkdtemp(join(tmpdir(), 'nightshift-restart-'));
  server = await startServer(dataDir);
  sql = connect(server.url, { applicationName: 'nightshift-restart-test' });
  await migrate(sql);
}, { timeout: 90_000 });

after(async () => {
  closing = true;
  await settles(restarting, 60_000);
  // Bounded: a query whose write the driver dropped never settles, and the worker's stop waits for it.
  if (!(await settles(runtime?.stop(1_000), 5_000))) console.error('runtime.stop() did not return within 5 s');
  await settles(sql?.end({ timeout: 1 }), 5_000);
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, { timeout: 30_000 });

/** Whether `work` settled within `ms`. */
async function settles(work: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  const settled = await Promise.race([Promise.resolve(work).then(() => true, () => true), late]);
  clearTimeout(timer);
  return settled;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch((error: Error) => `query failed: ${error.message}` as unknown as T);
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms; worker warnings: ${warnings.slice(-5).join('\n')}`);
    await sleep(100);
  }
}

function work(input: Json, context: { idempotencyKey: string }): Promise<Json> {
  calls.set(context.idempotencyKey, (calls.get(context.idempotencyKey) ?? 0) + 1);
  const ms = (input as { ms?: number }).ms ?? 0;
  return new Promise((r) => setTimeout(() => r(input), ms));
}

describe('a Postgres restart under a running worker', () => {
  it('is survived: the worker reconnects and every execution completes with each success recorded once', {
    timeout: 120_000, skip: unavailable ?? false,
  }, async (t) => {
    const registry = new ResourceRegistry().register('restart:work', work);
    runtime = new DurableRuntime({ sql, registry, logger, concurrency: 16, leaseMs: 2000, pollMs: 200 });
    await runtime.start();
    const deps: ServiceDeps = { sql, runtime, clock: systemClock };
    const { workflow, problems } = loadWorkflow(JSON.stringify(definition), 'restart.json', { isKnownResource: (r) => registry.has(r) });
    assert.ok(workflow, JSON.stringify(problems));
    await deployWorkflow(deps, workflow);

    const ids: string[] = [];
    for (let i = 0; i < executions; i++) {
      ids.push((await startExecution(deps, { workflow: 'restart', input: { waitSeconds: 1 + (i % 3), items } })).executionId);
    }
    const atStop = await until('executions in Tasks, Waits and Map iterations', async () => {
      const [row] = await sql.unsafe<Array<{ in_task: number; in_wait: number; branches: number }>>(`
        select count(*) filter (where kind = 'execution' and status = 'RUNNING' and snapshot->>'stateName' = 'First')::int as in_task,
               count(*) filter (where kind = 'execution' and status = 'RUNNING' and snapshot->>'stateName' = 'Pause')::int as in_wait,
               count(*) filter (where kind = 'branch' and status = 'RUNNING')::int as branches
        from nightshift.executions`);
      return row;
    }, (f) => f.in_task >= 3 && f.in_wait >= 3 && f.branches >= 2, 30_000);

    const { port } = new URL(server!.url);
    const stopAt = Date.now();
    await server!.stop();
    const callsBefore = [...calls.values()].reduce((a, b) => a + b, 0);
    await sleep(2_000);
    if (closing) return;
    restarting = startServer(dataDir, Number(port)).then((restarted) => (server = restarted));
    await restarting;
    t.diagnostic(`stopped with ${JSON.stringify(atStop)}, ${callsBefore} calls made; restarted on port ${port} after ${Date.now() - stopAt} ms`);

    await until('running executions', async () => {
      const [{ n }] = await sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from nightshift.executions where status in ('RUNNING', 'PENDING')`);
      return n;
    }, (n) => n === 0, 60_000);
    t.diagnostic(`all ended ${Date.now() - stopAt} ms after the stop`);
    t.diagnostic(`${warnings.length} worker warnings during the outage, e.g. ${warnings[0] ?? '-'}`);
    // Polling finished the work; the NOTIFY listener is back too (postgres.js re-subscribes it).
    await until('a connection listening for jobs', async () => {
      const rows = await sql.unsafe(`select 1 from pg_stat_activity where datname = current_database() and query = 'listen "' || $1 || '"'`, [jobsChannel]);
      return rows.length;
    }, (n) => n === 1, 10_000);

    for (const id of ids) {
      const view = await describeExecution(deps, id);
      assert.equal(view.status, 'SUCCEEDED', JSON.stringify(view));
      assert.deepEqual((view.output as { fan: unknown }).fan, items.map((n) => ({ ms: 150, n })));
    }
    const perState = await sql.unsafe<Array<{ execution_id: string; state_name: string; entered: number; exited: number; scheduled: number; succeeded: number }>>(`
      select execution_id, state_name,
             count(*) filter (where type like '%StateEntered')::int as entered,
             count(*) filter (where type like '%StateExited')::int as exited,
             count(*) filter (where type = 'TaskScheduled')::int as scheduled,
             count(*) filter (where type = 'TaskSucceeded')::int as succeeded
      from nightshift.history_events where state_name is not null
      group by execution_id, state_name`);
    const taskKeys = new Set<string>();
    for (const row of perState) {
      const isTask = ['First', 'Item', 'Last'].includes(row.state_name);
      assert.deepEqual([row.entered, row.exited, row.scheduled, row.succeeded], [1, 1, isTask ? 1 : 0, isTask ? 1 : 0], JSON.stringify(row));
      if (isTask) taskKeys.add(`${row.execution_id}:${row.state_name}:0`);
    }
    assert.equal(taskKeys.size, executions * (2 + items.length));
    assert.deepEqual(new Set(calls.keys()), taskKeys, 'every task called, with the idempotency key of its one recorded success');
    const repeated = [...calls.values()].filter((n) => n > 1).length;
    t.diagnostic(`${repeated} calls repeated after the outage (at least once, same key)`);
  });
});
