/**
 * Nightshift as users run it, in child processes: a scratch project (a one-Task workflow calling an
 * in-code `noop` handler from `handlers.mjs`), `nightshift migrate`, an API key made with
 * `nightshift keys create`, and `nightshift serve` / `nightshift worker` started from the compiled
 * `dist/cli/run.js` (from `src/` through tsx when there is no build). Used by `http-starts.mts` and
 * `scale-out.mts`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type Sql } from './durable-modules.mts';
import { waitUntilNone } from './durable-support.mts';

export const projectWorkflow = 'bench-noop';
/** The role the benchmark's API key acts as: an ordinary role (keys may not act as a superuser), listed in `roles:`. */
export const benchRole = 'nightshift_bench';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'dist', 'cli', 'run.js');
const command: string[] = existsSync(compiled) ? [compiled] : ['--import', 'tsx', join(root, 'src', 'cli', 'run.ts')];

/** A project folder with the workflow, the handlers module and `nightshift.yaml`. */
export function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-bench-'));
  mkdirSync(join(dir, 'workflows'));
  writeFileSync(join(dir, 'nightshift.yaml'), `handlers: ./handlers.mjs\nroles: [${benchRole}]\n`);
  writeFileSync(join(dir, 'handlers.mjs'), 'export const resources = { noop: (input) => input };\n');
  writeFileSync(
    join(dir, 'workflows', `${projectWorkflow}.yaml`),
    [`name: ${projectWorkflow}`, 'definition:', '  StartAt: Noop', '  States:', '    Noop:', '      Type: Task', '      Resource: noop', '      End: true', ''].join('\n'),
  );
  return dir;
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function env(databaseUrl: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...extra };
}

/** Runs a nightshift command to its end; answers its stdout, throws with its stderr on failure. */
export function nightshift(args: string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...command, ...args], { cwd: root, env: env(databaseUrl, {}), timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`nightshift ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Migrates, deploys nothing yet, and makes a key allowed to start the workflow. Answers the key. */
export async function prepareDatabase(project: string, databaseUrl: string): Promise<string> {
  await nightshift(['migrate', project], databaseUrl);
  return createKey(project, databaseUrl);
}

/** A key with scope `start:bench-noop` acting as `benchRole` (made on the server when missing). */
export async function createKey(project: string, databaseUrl: string): Promise<string> {
  const sql = connect(databaseUrl, { max: 1 });
  try {
    await sql.unsafe(`do $$ begin if not exists (select from pg_roles where rolname = '${benchRole}') then create role ${benchRole} nologin; end if; end $$`);
  } finally {
    await sql.end();
  }
  const key = await nightshift(['keys', 'create', '--role', benchRole, '--scopes', `start:${projectWorkflow}`, '--dir', project], databaseUrl);
  return key.trim();
}

export interface Child {
  process: ChildProcess;
  /** The URL `serve` printed; empty for a worker. */
  url: string;
  stop(): Promise<number | null>;
}

/**
 * Starts `nightshift serve` (answers once it prints its URL) or `nightshift worker` (once it says it
 * runs). `concurrency` is NIGHTSHIFT_CONCURRENCY: 0 makes a process that runs no worker.
 */
export function startChild(kind: 'serve' | 'worker', project: string, databaseUrl: string, concurrency = 32): Promise<Child> {
  const args = kind === 'serve' ? ['serve', project, '--port', '0'] : ['worker', project];
  // BENCH_CHILD_CPU_PROF=DIR: each child writes a V8 CPU profile there when it exits (node refuses --cpu-prof in NODE_OPTIONS).
  const profile = process.env.BENCH_CHILD_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CHILD_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...command, ...args], {
    cwd: root,
    env: env(databaseUrl, { NIGHTSHIFT_CONCURRENCY: String(concurrency) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nightshift ${kind} did not start within 60 s: ${out}${err}`));
    }, 60_000);
    child.on('exit', (code) => reject(new Error(`nightshift ${kind} exited with ${code}: ${out}${err}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /serving at (http:\/\/\S+)/.exec(out)?.[1];
      if (url || (kind === 'worker' && out.includes('worker running'))) {
        clearTimeout(timer);
        resolve({ process: child, url: url ?? '', stop });
      }
    });
  });
}

export interface LoadResult {
  perSecond: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

/** The fields of autocannon's result this benchmark reads (autocannon ships no types). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}

/** autocannon against `url` with the start request; errors count non-2xx answers, timeouts and socket errors. */
export async function cannon(url: string, key: string, conns: number, durationS: number): Promise<LoadResult> {
  const { default: autocannon } = (await import('autocannon' as string)) as { default: (o: object) => Promise<AutocannonResult> };
  const result = await autocannon({
    url: `${url}/v1/workflows/${projectWorkflow}/executions`,
    method: 'POST',
    connections: conns,
    duration: durationS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ order: 42 }),
  });
  return {
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** Waits until no execution is RUNNING; answers how long that took. */
export async function drain(sql: Sql): Promise<number> {
  const t = performance.now();
  await waitUntilNone(async () => {
    const [row] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from nightshift.executions where kind = 'execution' and status = 'RUNNING'`);
    return row.n;
  }, 600_000, 50);
  return performance.now() - t;
}

