/**
 * The LISTEN connection through outages, on a private Postgres (the machine's server programs; never the
 * shared server). A worker polls only once a minute here, so a Task started by another process runs
 * promptly only when its NOTIFY is heard. The listener's backend is terminated again and again, then
 * Postgres is stopped for longer than the driver's own reconnection survives: each time /readyz says
 * the listener is down while it is, nightshift_listener_connected says 0, a log line says it, and once
 * Postgres answers again the listener subscribes again by itself and wake-ups work.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startExecution, waitForExecution } from '../../src/service/index.ts';
import type { Logger } from '../../src/shared/index.ts';
import { connect, migrate, type Sql } from '../../src/store/index.ts';
import { startSystemPostgres, systemPostgresBin, type SystemPostgres } from '../support/system-postgres.ts';
import { until } from '../support/wait.ts';

const bin = systemPostgresBin();
let dataDir = '';
let project = '';
let server: SystemPostgres | undefined;
let worker: Engine | undefined;
let starter: Engine | undefined;
let admin: Sql | undefined;
let url = '';
const lines: Array<{ level: string; message: string }> = [];
const logger = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((level) => [level, (_f: unknown, message: string) => lines.push({ level, message })])) as unknown as Logger;

before(async () => {
  if (!bin) return;
  dataDir = mkdtempSync(join(tmpdir(), 'nightshift-listen-pg-'));
  server = await startSystemPostgres(bin, dataDir);
  const setup = connect(server.url, { max: 1 });
  await migrate(setup);
  await setup.end({ timeout: 1 });
  project = mkdtempSync(join(tmpdir(), 'nightshift-listen-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'workflows', 'echo.yaml'), ['name: echo', 'definition:', '  StartAt: Echo', '  States:', '    Echo: { Type: Task, Resource: "ops:echo", End: true }', ''].join('\n'));
  const env = { DATABASE_URL: server.url, NIGHTSHIFT_AUTH: 'disabled', NIGHTSHIFT_POLL_MS: '60000', NIGHTSHIFT_DATABASE_WAIT_MS: '0' };
  worker = await createEngine({ config: loadConfig({ projectDir: project, env }), logger, workers: true, resources: { 'ops:echo': async (input) => input } });
  await worker.deployWorkflows();
  url = await worker.serve({ port: 0 });
  starter = await createEngine({ config: loadConfig({ projectDir: project, env: { ...env, NIGHTSHIFT_CONCURRENCY: '0' } }), workers: false });
  admin = connect(server.url, { max: 1 });
}, { timeout: 90_000 });

after(async () => {
  await starter?.stop({ graceMs: 0 }).catch(() => {});
  await worker?.stop({ graceMs: 0 }).catch(() => {});
  await admin?.end({ timeout: 1 }).catch(() => {});
  await server?.stop().catch(() => {});
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (project) rmSync(project, { recursive: true, force: true });
}, { timeout: 30_000 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type ListenerCheck = { ok: boolean; detail?: string } | undefined;

async function readiness(): Promise<{ status: number; listener: ListenerCheck }> {
  const reply = await fetch(`${url}/readyz`);
  const body = (await reply.json()) as { checks?: { listener?: ListenerCheck }; error?: { details?: { checks?: { listener?: ListenerCheck } } } };
  return { status: reply.status, listener: body.checks?.listener ?? body.error?.details?.checks?.listener };
}

async function connectedGauge(): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('nightshift_listener_connected '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

/** A start made by the other process must be run by the worker well within its one-minute poll. */
async function wakeUpWorks(): Promise<void> {
  const { executionId } = await startExecution(starter!.deps, { workflow: 'echo', input: { n: 1 } });
  const view = await waitForExecution(starter!.deps, executionId, 10_000);
  assert.equal(view.status, 'SUCCEEDED', 'the worker heard the NOTIFY');
}

async function ready(what: string): Promise<void> {
  await until(what, readiness, (r) => r.status === 200 && r.listener?.ok === true, 30_000);
  assert.equal(await connectedGauge(), 1);
}

describe('the LISTEN connection through outages', { skip: bin ? false : 'no Postgres server programs are installed' }, () => {
  it('subscribes again after its backend is terminated again and again', { timeout: 90_000 }, async () => {
    await ready('ready at first');
    await wakeUpWorks();
    for (let round = 0; round < 5; round++) {
      await admin!.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen %' and pid <> pg_backend_pid()`);
      await sleep(300);
    }
    await ready('ready after the terminations');
    await sleep(500);
    await wakeUpWorks();
  });

  it('says it is down through a long outage, then subscribes again by itself and wake-ups work', { timeout: 120_000 }, async () => {
    await ready('ready before the outage');
    lines.length = 0;
    const port = Number(new URL(server!.url).port);
    await server!.stop();
    await until('/readyz to say the listener is down', readiness, (r) => r.status === 503 && r.listener?.ok === false, 20_000);
    assert.equal(await connectedGauge(), 0);
    await sleep(12_000);
    assert.ok(lines.some((l) => l.level === 'warn' && /LISTEN connection is down/.test(l.message)), JSON.stringify(lines));
    server = await startSystemPostgres(bin!, dataDir, port);
    await ready('ready after Postgres is back');
    assert.ok(lines.some((l) => l.level === 'info' && /subscribed again/.test(l.message)), JSON.stringify(lines));
    await sleep(500);
    await wakeUpWorks();
  });
});
