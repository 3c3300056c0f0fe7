/**
 * Health of real processes: `nightshift serve` and `nightshift worker` (with NIGHTSHIFT_WORKER_PORT) answer
 * /healthz and /readyz; a worker whose Postgres is stopped stays alive but says it is not ready, naming the
 * database, and is ready again once Postgres is back; a process refuses to start against a schema that a
 * newer release migrated.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readMigrationFiles, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { unreachableEmbeddedBinaries } from '../support/embedded.ts';
import { startSystemPostgres, systemPostgresBin } from '../support/system-postgres.ts';
import { until } from '../support/wait.ts';

const root = resolve(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'nightshift');
const children = new Set<ChildProcess>();
let project = '';

before(() => {
  project = mkdtempSync(join(tmpdir(), 'nightshift-health-'));
  mkdirSync(join(project, 'workflows'));
});
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(project, { recursive: true, force: true });
});

/** Starts `nightshift <args>` and answers the first URL its stdout prints after `marker`. */
function start(args: string[], env: NodeJS.ProcessEnv, marker: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NIGHTSHIFT_LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = marker.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveUrl({ child, url: match[1] });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  child.kill('SIGTERM');
  const code = await exited;
  children.delete(child);
  return code;
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const reply = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

describe('health endpoints of real processes', () => {
  it('serve answers /healthz and /readyz with every check passed', async () => {
    const db = await createTestDatabase();
    try {
      const { child, url } = await start(['serve', project, '--port', '0'], { DATABASE_URL: db.url, NIGHTSHIFT_AUTH: 'disabled' }, /serving at (http:\/\/\S+)/);
      assert.deepEqual(await get(`${url}/healthz`), { status: 200, body: { status: 'ok' } });
      const ready = await get(`${url}/readyz`);
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      assert.deepEqual(ready.body, { status: 'ready', checks: { database: { ok: true }, schema: { ok: true }, listener: { ok: true } } });
      assert.equal(await stop(child), 0);
    } finally {
      await db.drop();
    }
  });

  const blocked = unreachableEmbeddedBinaries();
  const systemBin = blocked === null ? null : systemPostgresBin();
  it('worker stays alive without its database, says /readyz 503 naming the database, and is ready again once Postgres is back', {
    skip: blocked !== null && systemBin === null ? 'no Postgres server programs to run a private, stoppable server' : false,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-health-pg-'));
    const startServer = (port?: number): Promise<EmbeddedPostgres> =>
      systemBin === null ? startEmbeddedPostgres({ dataDir, ...(port === undefined ? {} : { port }) }) : startSystemPostgres(systemBin, dataDir, port);
    let server = await startServer();
    try {
      const port = Number(new URL(server.url).port);
      const { child, url } = await start(['worker', project], { DATABASE_URL: server.url, NIGHTSHIFT_WORKER_PORT: '0', NIGHTSHIFT_POLL_MS: '200' }, /health and metrics at (http:\/\/\S+?)\)/);
      assert.deepEqual(await get(`${url}/healthz`), { status: 200, body: { status: 'ok' } });
      assert.equal((await get(`${url}/readyz`)).status, 200);
      const metrics = await fetch(`${url}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /process_cpu_seconds_total/);

      await server.stop();
      const down = await get(`${url}/readyz`);
      assert.equal(down.status, 503);
      const error = down.body.error as { code: string; message: string; details: { checks: Record<string, { ok: boolean }> } };
      assert.equal(error.code, 'UNAVAILABLE');
      assert.match(error.message, /^Not ready: database \(/);
      assert.equal(error.details.checks.database.ok, false);
      assert.deepEqual(await get(`${url}/healthz`), { status: 200, body: { status: 'ok' } });

      server = await startServer(port);
      await until('/readyz after the restart', async () => (await get(`${url}/readyz`)).status, (status) => status === 200, 15_000);
      assert.equal(await stop(child), 0);
    } finally {
      await server.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start a worker against a schema a newer release migrated, with a clear message and exit code 2', async () => {
    const db = await createTestDatabase();
    try {
      const known = (await readMigrationFiles()).at(-1)!.version;
      await db.sql.unsafe("insert into nightshift.schema_migrations (version, name, checksum, applied_at) values ($1, 'next_release', 'x', now())", [known + 1]);
      const child = spawn(process.execPath, [bin, 'worker', project], { cwd: root, env: { ...process.env, DATABASE_URL: db.url }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let err = '';
      child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      children.delete(child);
      assert.equal(code, 2, err);
      assert.match(err, new RegExp(`schema is at version ${known + 1} \\(${String(known + 1).padStart(4, '0')}_next_release\\), but this Nightshift release knows up to ${known}`));
      assert.match(err, /\[SCHEMA_TOO_NEW\]/);
      assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
    } finally {
      await db.drop();
    }
  });
});
