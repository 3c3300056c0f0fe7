/**
 * A Nightshift worker in a process of its own, for tests that kill, pause or multiply workers.
 *
 * Run as a child (`node --import tsx test/support/worker-process.ts`), it starts a DurableRuntime
 * against DATABASE_URL with resources that record their side effects in the table `test_effects`
 * (outside the nightshift schema; the test creates it with `effectsTableDdl` before any worker
 * starts), prints `ready` on stdout and nothing else there, and stops cleanly on SIGTERM or when its
 * stdin closes (the parent died). Settings from the environment:
 *   DATABASE_URL        the database (required)
 *   WORKER_ID           the lease owner written in nightshift.jobs (default: runtime's own)
 *   WORKER_CONCURRENCY  jobs at once (default 32)
 *   WORKER_LEASE_MS     lease length (default 2000); renewed every third of it while a task runs
 *   WORKER_POLL_MS      longest idle sleep (default 200)
 *   WORKER_POOL         connections (default 8: several workers share the test server's max_connections)
 *
 * Resources:
 *   effect:record  inserts (idempotency key, execution, state, attempt, pid) and returns its input
 *   effect:slow    sleeps `ms` (from its input), ignoring aborts like a careless resource, then records
 * With `reportPid: true` in the input, both return `{ ...input, pid }` instead, so a test can tell
 * whose result the engine kept.
 *
 * Imported by a test, the module only exports `effectsTableDdl` and `startWorkerProcess`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceRegistry, type InvocationContext } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { connect, type Sql } from '../../src/store/index.ts';
import type { Json, JsonObject, Logger } from '../../src/shared/index.ts';
import { registerTestResources } from './test-resources.ts';

/** One row per call of an effect resource. recorded_at is the server's clock at the insert. */
export const effectsTableDdl = `
  create table if not exists public.test_effects (
    id bigint generated always as identity primary key,
    idempotency_key text not null,
    execution_id uuid not null,
    state_name text not null,
    attempt int not null,
    pid int not null,
    recorded_at timestamptz not null default clock_timestamp()
  )`;

const scriptPath = fileURLToPath(import.meta.url);
const repoRoot = resolve(scriptPath, '../../..');

export interface WorkerProcess {
  readonly pid: number;
  readonly workerId: string;
  readonly child: ChildProcess;
  /** Everything the worker wrote on stderr (its warnings), for failure messages. */
  stderr(): string;
  /** Resolves once the process has exited (at once if it already has). */
  exited(): Promise<void>;
  /** SIGKILL: no shutdown, leases left behind. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the clean exit; SIGKILL if it takes longer than `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface WorkerSettings {
  databaseUrl: string;
  workerId: string;
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  pool?: number;
}

/** Spawns a worker process and resolves once it printed `ready` (rejects if it exits first). */
export async function startWorkerProcess(settings: WorkerSettings): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', scriptPath], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: settings.databaseUrl,
      WORKER_ID: settings.workerId,
      WORKER_CONCURRENCY: String(settings.concurrency ?? 32),
      WORKER_LEASE_MS: String(settings.leaseMs ?? 2000),
      WORKER_POLL_MS: String(settings.pollMs ?? 200),
      WORKER_POOL: String(settings.pool ?? 8),
    },
  });
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors = (errors + chunk).slice(-20_000);
  });
  const exit = new Promise<void>((done) => child.once('exit', () => done()));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  await new Promise<void>((ready, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`worker ${settings.workerId} not ready after 30 s: ${errors}`)), 30_000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.split('\n').includes('ready')) {
        clearTimeout(timer);
        ready();
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      fail(new Error(`worker ${settings.workerId} exited before it was ready: ${errors}`));
    });
  }).catch((error: unknown) => {
    if (!hasExited()) child.kill('SIGKILL');
    throw error;
  });
  const handle: WorkerProcess = {
    pid: child.pid as number,
    workerId: settings.workerId,
    child,
    stderr: () => errors,
    exited: () => exit,
    kill9: async () => {
      if (!hasExited()) child.kill('SIGKILL');
      await exit;
    },
    stop: async (graceMs = 10_000) => {
      if (hasExited()) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  return handle;
}

// ---------------------------------------------------------------------------------------------
// The child process itself.

const numberSetting = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

function asObject(input: Json): JsonObject {
  return input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
}

async function record(sql: Sql, input: Json, context: InvocationContext): Promise<Json> {
  await sql.unsafe(
    'insert into public.test_effects (idempotency_key, execution_id, state_name, attempt, pid) values ($1, $2, $3, $4, $5)',
    [context.idempotencyKey, context.executionId, context.stateName, context.attempt, process.pid],
  );
  return asObject(input).reportPid === true ? { ...asObject(input), pid: process.pid } : input;
}

/** Warnings and errors as JSON lines on stderr: stdout carries only `ready`. */
const stderrLogger: Logger = {
  debug() {},
  info() {},
  warn: (fields, message) => process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
  error: (fields, message) => process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`),
};

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const concurrency = numberSetting('WORKER_CONCURRENCY', 32);
  const sql = connect(url, { max: numberSetting('WORKER_POOL', 8), applicationName: `nightshift-test-worker-${process.pid}` });
  const registry = registerTestResources(new ResourceRegistry());
  registry.register('effect:record', (input, context) => record(sql, input, context));
  registry.register('effect:slow', async (input, context) => {
    const ms = asObject(input).ms;
    await new Promise((r) => setTimeout(r, typeof ms === 'number' ? ms : 0));
    return record(sql, input, context);
  });
  const runtime = new DurableRuntime({
    sql,
    registry,
    logger: stderrLogger,
    workerId: process.env.WORKER_ID || undefined,
    concurrency,
    leaseMs: numberSetting('WORKER_LEASE_MS', 2000),
    pollMs: numberSetting('WORKER_POLL_MS', 200),
  });
  await runtime.start();
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await runtime.stop(2_000).catch(() => {});
    await sql.end({ timeout: 2 }).catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.stdin.on('end', () => void shutdown());
  process.stdin.resume();
  process.stdout.write('ready\n');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === scriptPath) {
  main().catch((error: unknown) => {
    process.stderr.write(`worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
