/**
 * Faults a real `nightshift serve` / `worker` process meets at start and at stop, each in a child
 * process: Postgres not there yet (or never), the HTTP port taken, a SIGTERM while a handler module
 * holds the event loop open or a task is still running.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadWorkflow } from '../../src/asl/index.ts';
import { ResourceRegistry } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { deployWorkflow, startExecution } from '../../src/service/index.ts';
import { systemClock } from '../../src/shared/index.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { unreachableEmbeddedBinaries } from '../support/embedded.ts';
import { startNightshift, type NightshiftProcess } from '../support/nightshift-process.ts';
import { freePort } from '../support/ports.ts';
import { startSystemPostgres, systemPostgresBin } from '../support/system-postgres.ts';

/** Exit codes from the table in src/shared/errors.ts, and the shutdown's (docs/security.md). */
const exitCodes = { DATABASE_UNAVAILABLE: 7, PORT_IN_USE: 8, forcedShutdown: 75 };

let project = '';
const running: NightshiftProcess[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

// A handler module that keeps the event loop alive as careless modules do (an interval, an open
// keep-alive socket to its own little server), with a resource that sleeps SLOW_MS (from the env).
const handlers = `
import { createServer, request, Agent } from 'node:http';
setInterval(() => {}, 1000);
const peer = createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', () => {
  const agent = new Agent({ keepAlive: true });
  request({ host: '127.0.0.1', port: peer.address().port, agent }, (res) => res.resume()).end();
});
export const resources = {
  'hold:work': async () => {
    const ms = Number(process.env.SLOW_MS ?? 0);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    return { by: process.pid };
  },
};
`;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'nightshift-faults-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'nightshift.yaml'), 'handlers: handlers.mjs\n');
  writeFileSync(join(project, 'handlers.mjs'), handlers);
  writeFileSync(join(project, 'workflows', 'hold.yaml'), ['name: hold', 'definition:', '  StartAt: Work', '  States:', '    Work: { Type: Task, Resource: "hold:work", End: true }', ''].join('\n'));
});
after(async () => {
  for (const p of running) await p.kill();
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  rmSync(project, { recursive: true, force: true });
}, { timeout: 30_000 });

function nightshift(args: string[], env: NodeJS.ProcessEnv): NightshiftProcess {
  const p = startNightshift(args, { LOG_LEVEL: 'info', NIGHTSHIFT_AUTH: 'disabled', ...env });
  running.push(p);
  return p;
}

function occupyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
    server.once('error', reject);
  });
}

async function testDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

async function serveOn(db: TestDatabase, env: NodeJS.ProcessEnv = {}): Promise<{ process: NightshiftProcess; url: string }> {
  const p = nightshift(['serve', project, '--port', '0'], { DATABASE_URL: db.url, ...env });
  const [, url] = await p.waitFor(/serving at (http:\/\/\S+)/, 30_000);
  return { process: p, url };
}

async function startHold(url: string): Promise<string> {
  const response = await fetch(`${url}/v1/workflows/hold/executions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { executionId: string }).executionId;
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const jobsOf = (db: TestDatabase, id: string) =>
  db.sql.unsafe<Array<{ attempts: number; lease_owner: string | null }>>('select attempts, lease_owner from nightshift.jobs where execution_id = $1', [id]);
const statusOf = async (db: TestDatabase, id: string) =>
  (await db.sql.unsafe<Array<{ status: string; output: unknown }>>('select status, output from nightshift.executions where id = $1', [id]))[0];

describe('Postgres not reachable at start', () => {
  for (const command of ['serve', 'worker']) {
    it(`makes ${command} wait with backoff, saying for what, then exit with DATABASE_UNAVAILABLE's code`, { timeout: 30_000 }, async () => {
      const port = await freePort();
      const started = Date.now();
      const p = nightshift([command, project], { DATABASE_URL: `postgres://nightshift:hunter2-secret@127.0.0.1:${port}/app`, NIGHTSHIFT_DATABASE_WAIT_SECONDS: '2' });
      const exit = await p.exit(15_000);
      assert.deepEqual(exit, { code: exitCodes.DATABASE_UNAVAILABLE, signal: null }, p.stderr());
      const took = Date.now() - started;
      assert.ok(took >= 2_000, `gave up after ${took} ms, before the 2 s wait`);
      assert.match(p.stderr(), new RegExp(`waiting for Postgres at 127\\.0\\.0\\.1:${port} \\(attempt 2, next in \\d+ ms\\)`));
      assert.match(p.stderr(), new RegExp(`nightshift: Postgres at 127\\.0\\.0\\.1:${port} could not be reached in 2 s \\(\\d+ attempts; last: ECONNREFUSED\\) \\[DATABASE_UNAVAILABLE\\]`));
      assert.doesNotMatch(p.stderr(), /internal error|hunter2/);
    });
  }

  it('lets serve start once Postgres comes up during the wait', { timeout: 120_000 }, async () => {
    const blocked = unreachableEmbeddedBinaries();
    const bin = blocked === null ? null : systemPostgresBin();
    const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-late-pg-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const startServer = (port?: number): Promise<EmbeddedPostgres> =>
      bin === null ? startEmbeddedPostgres({ dataDir, ...(port === undefined ? {} : { port }) }) : startSystemPostgres(bin, dataDir, port);
    // Made (and its URL, password included, known) first, then stopped: serve starts while it is down.
    const first = await startServer();
    await first.stop();
    const { url: databaseUrl } = first;
    const port = Number(new URL(databaseUrl).port);
    const p = nightshift(['serve', project, '--port', '0'], { DATABASE_URL: databaseUrl, NIGHTSHIFT_DATABASE_WAIT_SECONDS: '90' });
    await p.waitFor(new RegExp(`waiting for Postgres at 127\\.0\\.0\\.1:${port} \\(attempt 3`), 10_000);
    const server = await startServer(port);
    cleanups.push(() => server.stop());
    const [, url] = await p.waitFor(/serving at (http:\/\/\S+)/, 60_000);
    assert.ok(await startHold(url));
    p.child.kill('SIGTERM');
    assert.deepEqual(await p.exit(15_000), { code: 0, signal: null }, p.stderr());
    assert.doesNotMatch(p.stderr(), new RegExp(new URL(databaseUrl).password || 'no password'));
  });
});

describe('the HTTP port already in use', () => {
  it('makes serve say so and exit with PORT_IN_USE\'s code, having claimed no job', { timeout: 60_000 }, async () => {
    const db = await testDatabase();
    // A Task due now: a worker that started would claim it.
    const runtime = new DurableRuntime({ sql: db.sql, registry: new ResourceRegistry(), concurrency: 0 });
    const deps = { sql: db.sql, runtime, clock: systemClock };
    const { workflow } = loadWorkflow(JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'hold:work', End: true } } }), 'hold.json', { isKnownResource: () => true });
    await deployWorkflow(deps, workflow!);
    const { executionId } = await startExecution(deps, { workflow: 'hold', input: {} });
    const taken = await occupyPort();
    cleanups.push(() => new Promise((r) => taken.close(r)));
    const { port } = taken.address() as { port: number };
    const p = nightshift(['serve', project, '--port', String(port)], { DATABASE_URL: db.url });
    const exit = await p.exit(20_000);
    assert.deepEqual(exit, { code: exitCodes.PORT_IN_USE, signal: null }, p.stderr());
    assert.match(p.stderr(), new RegExp(`nightshift: port ${port} on 127\\.0\\.0\\.1 is already in use \\[PORT_IN_USE\\]`));
    assert.doesNotMatch(p.stderr(), /internal error/);
    assert.deepEqual([...await jobsOf(db, executionId)], [{ attempts: 0, lease_owner: null }]);
  });
});

describe('SIGTERM', () => {
  it('exits 0 after a clean drain although the handler module keeps the event loop alive', { timeout: 60_000 }, async () => {
    const db = await testDatabase();
    const { process: p, url } = await serveOn(db, { NIGHTSHIFT_SHUTDOWN_GRACE_SECONDS: '2' });
    const id = await startHold(url);
    await until('the execution', () => statusOf(db, id), (row) => row?.status === 'SUCCEEDED', 15_000);
    const signalled = Date.now();
    p.child.kill('SIGTERM');
    const exit = await p.exit(10_000);
    assert.deepEqual(exit, { code: 0, signal: null }, `still running 10 s after SIGTERM: ${p.stderr().slice(-2000)}`);
    assert.ok(Date.now() - signalled < 5_000, `took ${Date.now() - signalled} ms`);
    assert.match(p.stderr(), /shutting down…/);
  });

  it('hands a task still running after the grace back, exits with the forced code, and another worker finishes it', { timeout: 90_000 }, async () => {
    const db = await testDatabase();
    const { process: p, url } = await serveOn(db, { NIGHTSHIFT_SHUTDOWN_GRACE_SECONDS: '1', SLOW_MS: '600000', NIGHTSHIFT_LEASE_MS: '60000' });
    const id = await startHold(url);
    await until('the task claimed', () => jobsOf(db, id), (jobs) => jobs.length === 1 && jobs[0].lease_owner !== null, 15_000);
    const signalled = Date.now();
    p.child.kill('SIGTERM');
    const exit = await p.exit(15_000);
    assert.deepEqual(exit, { code: exitCodes.forcedShutdown, signal: null }, p.stderr().slice(-2000));
    assert.ok(Date.now() - signalled < 6_000, `took ${Date.now() - signalled} ms with a 1 s grace`);
    assert.match(p.stderr(), /handed back to other workers/);
    // The lease was handed back (not left to run out for 60 s): a new worker takes the task at once.
    const worker = nightshift(['worker', project], { DATABASE_URL: db.url });
    await worker.waitFor(/worker running/, 30_000);
    const row = await until('the execution', () => statusOf(db, id), (r) => r?.status === 'SUCCEEDED', 20_000);
    assert.deepEqual(row.output, { by: worker.child.pid });
    worker.child.kill('SIGTERM');
    assert.deepEqual(await worker.exit(15_000), { code: 0, signal: null }, worker.stderr());
  });

  it('a second SIGTERM exits at once', { timeout: 60_000 }, async () => {
    const db = await testDatabase();
    const { process: p, url } = await serveOn(db, { NIGHTSHIFT_SHUTDOWN_GRACE_SECONDS: '60', SLOW_MS: '600000' });
    const id = await startHold(url);
    await until('the task claimed', () => jobsOf(db, id), (jobs) => jobs.length === 1 && jobs[0].lease_owner !== null, 15_000);
    p.child.kill('SIGTERM');
    await p.waitFor(/shutting down…/, 5_000);
    await new Promise((r) => setTimeout(r, 300));
    const second = Date.now();
    p.child.kill('SIGTERM');
    const exit = await p.exit(5_000);
    assert.deepEqual(exit, { code: exitCodes.forcedShutdown, signal: null }, p.stderr().slice(-2000));
    assert.ok(Date.now() - second < 2_000, `took ${Date.now() - second} ms`);
  });
});
