/**
 * `nightshift serve` in a child process while its Postgres (a private server, never the shared one) is
 * stopped and started again, several times, under a steady stream of starts. The process must never
 * exit nor log an unhandled rejection; starts during an outage answer 503 DATABASE_UNAVAILABLE with
 * Retry-After (never 500); starts succeed again after each restart, and every execution started
 * completes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, migrate, startEmbeddedPostgres, type EmbeddedPostgres, type Sql } from '../../src/store/index.ts';
import { unreachableEmbeddedBinaries } from '../support/embedded.ts';
import { startNightshift, type NightshiftProcess } from '../support/nightshift-process.ts';
import { startSystemPostgres, systemPostgresBin } from '../support/system-postgres.ts';

/** Restarts in one run: the crash this guards against came once in four runs of a few restarts each. */
const restarts = 6;

const blocked = unreachableEmbeddedBinaries();
const systemBin = blocked === null ? null : systemPostgresBin();
const unavailable = blocked !== null && systemBin === null ? `running as root under ${blocked} and no Postgres server programs are installed` : null;
const startServer = (dir: string, port?: number): Promise<EmbeddedPostgres> =>
  systemBin === null ? startEmbeddedPostgres({ dataDir: dir, ...(port === undefined ? {} : { port }) }) : startSystemPostgres(systemBin, dir, port);

let dataDir = '';
let project = '';
let server: EmbeddedPostgres | undefined;
let sql: Sql | undefined;
let serve: NightshiftProcess | undefined;

before(async () => {
  if (unavailable !== null) return;
  dataDir = mkdtempSync(join(tmpdir(), 'nightshift-outage-pg-'));
  server = await startServer(dataDir);
  const setup = connect(server.url, { max: 1 });
  await migrate(setup);
  await setup.end({ timeout: 1 });
  project = mkdtempSync(join(tmpdir(), 'nightshift-outage-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'nightshift.yaml'), 'handlers: handlers.mjs\n');
  writeFileSync(join(project, 'handlers.mjs'), 'export const resources = {\n  "outage:work": (input) => new Promise((r) => setTimeout(() => r({ done: true }), 100)),\n};\n');
  writeFileSync(join(project, 'workflows', 'work.yaml'), [
    'name: work', 'definition:', '  StartAt: Work', '  States:',
    '    Work: { Type: Task, Resource: "outage:work", Next: Pause }',
    '    Pause: { Type: Wait, Seconds: 1, End: true }', '',
  ].join('\n'));
}, { timeout: 90_000 });

after(async () => {
  await serve?.kill();
  await sql?.end({ timeout: 1 }).catch(() => {});
  await server?.stop().catch(() => {});
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (project) rmSync(project, { recursive: true, force: true });
}, { timeout: 30_000 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  phase: 'up' | 'down' | 'back';
  status: number | string;
  code?: string;
  retryAfter?: string | null;
  id?: string;
  /** When it was sent (ms since the stream began) and how long it took. */
  at: number;
  ms: number;
}

/** Starts `work` from `loops` loops, one request each at a time, until `stop()`; every answer is kept. */
function startStream(url: string, loops: number, phase: () => Answer['phase']): { answers: Answer[]; began: number; stop(): Promise<void> } {
  const answers: Answer[] = [];
  const began = Date.now();
  let running = true;
  const loop = async () => {
    while (running) {
      const at = phase();
      const sent = Date.now();
      const timing = () => ({ at: sent - began, ms: Date.now() - sent });
      try {
        const response = await fetch(`${url}/v1/workflows/work/executions`, {
          method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(15_000),
        });
        const body = (await response.json()) as { executionId?: string; error?: { code: string } };
        answers.push({ phase: at, status: response.status, code: body.error?.code, retryAfter: response.headers.get('retry-after'), id: body.executionId, ...timing() });
      } catch (error) {
        answers.push({ phase: at, status: `request failed: ${(error as Error).message}`, ...timing() });
      }
      await sleep(25);
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return { answers, began, stop: async () => ((running = false), await done) };
}

async function until(what: string, probe: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; serve stderr: ${serve?.stderr().slice(-3000)}`);
    await sleep(100);
  }
}

describe('nightshift serve while its Postgres restarts', () => {
  it('keeps serving: 503 DATABASE_UNAVAILABLE with Retry-After during each outage, starts again after, every execution completes', {
    timeout: 240_000, skip: unavailable ?? false,
  }, async (t) => {
    serve = startNightshift(['serve', project, '--port', '0'], {
      DATABASE_URL: server!.url, NIGHTSHIFT_AUTH: 'disabled', LOG_LEVEL: 'warn', NIGHTSHIFT_LEASE_MS: '2000', NIGHTSHIFT_POLL_MS: '200',
    });
    const [, url] = await serve.waitFor(/serving at (http:\/\/\S+)/, 30_000);
    let phase: Answer['phase'] = 'up';
    const stream = startStream(url, 4, () => phase);
    const port = Number(new URL(server!.url).port);
    const timeline: string[] = [];
    const mark = (what: string) => timeline.push(`${what} ${Date.now() - stream.began}`);
    for (let round = 1; round <= restarts; round++) {
      await sleep(1_500);
      phase = 'down';
      mark('stop');
      await server!.stop();
      await sleep(2_000);
      server = await startServer(dataDir, port);
      mark('started');
      phase = 'back';
      const seen = stream.answers.length;
      const restartedAt = Date.now();
      await until(`a start succeeding after restart ${round}`, async () => stream.answers.slice(seen).some((a) => a.status === 201), 30_000);
      mark(`first 201 after ${Date.now() - restartedAt} ms:`);
      phase = 'up';
      assert.equal(serve.exited(), false, `serve exited in round ${round}: ${serve.stderr().slice(-3000)}`);
    }
    await stream.stop();
    const { answers } = stream;
    const byStatus = (p: Answer['phase']) => {
      const counts = new Map<string, number>();
      for (const a of answers) if (a.phase === p) counts.set(String(a.status), (counts.get(String(a.status)) ?? 0) + 1);
      return [...counts].map(([status, n]) => `${status}×${n}`).join(' ');
    };
    t.diagnostic(`timeline (ms): ${timeline.join(', ')}`);
    t.diagnostic(`${restarts} restarts, ${answers.length} starts: up ${byStatus('up')}; down ${byStatus('down')}; back ${byStatus('back')}`);
    const slowest = [...answers].sort((a, b) => b.ms - a.ms)[0];
    t.diagnostic(`slowest answer: ${slowest?.ms} ms (${slowest?.phase}, ${slowest?.status})`);

    const unexpected = answers.filter((a) => a.status !== 201 && !(a.status === 503 && a.code === 'DATABASE_UNAVAILABLE' && a.retryAfter !== null));
    assert.deepEqual(unexpected.slice(0, 8), [], `${unexpected.length} answers neither 201 nor 503 DATABASE_UNAVAILABLE with Retry-After`);
    assert.ok(answers.some((a) => a.phase === 'down' && a.status === 503), 'starts during an outage answer 503');

    // Every execution a 201 answered for completes, including those cut off by an outage.
    const ids = answers.filter((a) => a.status === 201).map((a) => a.id!);
    sql = connect(server!.url, { max: 1 });
    await until('every started execution SUCCEEDED', async () => {
      const [{ n }] = await sql!.unsafe<Array<{ n: number }>>(
        `select count(*)::int as n from nightshift.executions where id = any($1::uuid[]) and status = 'SUCCEEDED'`, [ids]);
      return n === ids.length;
    }, 60_000);
    const logLines = new Map<string, number>();
    for (const line of serve.stderr().split('\n').filter(Boolean)) {
      const message = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 80);
      logLines.set(message, (logLines.get(message) ?? 0) + 1);
    }
    t.diagnostic(`serve's log: ${[...logLines].map(([m, n]) => `${n}× ${m}`).join('; ')}`);
    assert.equal(serve.exited(), false, 'serve is still running');
    assert.doesNotMatch(serve.stderr(), /unhandled|uncaught/i);
  });
});
