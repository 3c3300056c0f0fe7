/**
 * The API commands against a remote server: NIGHTSHIFT_URL and NIGHTSHIFT_KEY, no DATABASE_URL and no
 * project in the command's environment, a real `nightshift serve` child process on the other side.
 * Each answer is compared with the same command run locally against the database.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startNightshift, type NightshiftProcess } from '../support/nightshift-process.ts';

const bin = join(resolve(import.meta.dirname, '..', '..'), 'bin', 'nightshift');
let db: TestDatabase;
let project = '';
let elsewhere = '';
let serve: NightshiftProcess | undefined;
let remoteEnv: NodeJS.ProcessEnv;

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd, env, timeout: 30_000 }, (error, stdout, stderr) =>
      done({ code: error && typeof error.code === 'number' ? error.code : error ? -1 : 0, stdout, stderr }),
    );
  });
}
const local = (args: string[]) => run([...args, '--dir', project], { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' }, project);
const remote = (args: string[]) => run(args, remoteEnv, elsewhere);

before(async () => {
  db = await createTestDatabase();
  project = mkdtempSync(join(tmpdir(), 'nightshift-remote-'));
  elsewhere = mkdtempSync(join(tmpdir(), 'nightshift-remote-cwd-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'workflows', 'greet.yaml'),
    ['name: greet', 'definition:', '  StartAt: Hello', '  States:', '    Hello:', '      Type: Pass', '      Parameters:', "        message.$: States.Format('Hello, {}!', $.name)", '      End: true', ''].join('\n'));
  const created = await local(['keys', 'create', '--role', 'authenticated', '--scopes', 'admin', '--name', 'remote-test']);
  assert.equal(created.code, 0, created.stderr);
  serve = startNightshift(['serve', project, '--port', '0'], { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
  const [, url] = await serve.waitFor(/serving at (http:\/\/\S+)/, 30_000);
  remoteEnv = { ...process.env, NIGHTSHIFT_URL: url, NIGHTSHIFT_KEY: created.stdout.trim(), LOG_LEVEL: 'warn' };
  delete remoteEnv.DATABASE_URL;
  delete remoteEnv.NODE_TEST_CONTEXT;
}, { timeout: 90_000 });

after(async () => {
  await serve?.kill();
  rmSync(project, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
  await db.drop();
});

describe('the API commands with NIGHTSHIFT_URL', () => {
  it('start, executions ls|show|history print what the local commands print, from a folder with no project and no database', async () => {
    const started = await remote(['start', 'greet', '--input', '{"name":"Ada"}', '--wait', '10']);
    assert.equal(started.code, 0, started.stderr);
    const view = JSON.parse(started.stdout) as { executionId: string; status: string; output: unknown };
    assert.deepEqual([view.status, view.output], ['SUCCEEDED', { message: 'Hello, Ada!' }]);
    for (const args of [['executions', 'show', view.executionId], ['executions', 'ls'], ['executions', 'ls', '--json'], ['executions', 'history', view.executionId], ['executions', 'history', view.executionId, '--json']]) {
      const [there, here] = await Promise.all([remote(args), local(args)]);
      assert.equal(there.code, 0, `${args.join(' ')}: ${there.stderr}`);
      assert.equal(there.stdout, here.stdout, args.join(' '));
    }
  });

  it('start without --wait says whether it created the execution, as the local command does (from the 201)', async () => {
    const first = await remote(['start', 'greet', '--input', '{"name":"Bo"}', '--idempotency-key', 'remote-1']);
    const second = await remote(['start', 'greet', '--input', '{"name":"Bo"}', '--idempotency-key', 'remote-1']);
    assert.equal((JSON.parse(first.stdout) as { created: boolean }).created, true, first.stderr);
    assert.equal((JSON.parse(second.stdout) as { created: boolean }).created, false);
  });

  it('schedule, scheduled ls|show|cancel, schedules ls and keys ls work remotely with the local output', async () => {
    const scheduled = await remote(['schedule', 'greet', '--input', '{"name":"Cy","plan":"pro"}', '--in', '3600']);
    assert.equal(scheduled.code, 0, scheduled.stderr);
    const run = JSON.parse(scheduled.stdout) as { scheduledRunId: string };
    for (const args of [['scheduled', 'show', run.scheduledRunId], ['scheduled', 'ls'], ['scheduled', 'ls', '--json', '--where', 'plan=pro'], ['schedules', 'ls', '--json'], ['keys', 'ls'], ['keys', 'ls', '--json']]) {
      const [there, here] = await Promise.all([remote(args), local(args)]);
      assert.equal(there.code, 0, `${args.join(' ')}: ${there.stderr}`);
      assert.equal(there.stdout, here.stdout, args.join(' '));
    }
    const cancelled = await remote(['scheduled', 'cancel', '--where', 'plan=pro']);
    assert.deepEqual(JSON.parse(cancelled.stdout), { cancelled: 1 }, cancelled.stderr);
  });

  it('fails with the error code and exit code the local command gives', async () => {
    const args = ['executions', 'show', '00000000-0000-4000-8000-000000000000'];
    const [there, here] = await Promise.all([remote(args), local(args)]);
    assert.equal(here.code, 3, here.stderr);
    assert.deepEqual([there.code, there.stderr], [here.code, here.stderr]);
    const unauthorized = await run(['executions', 'ls'], { ...remoteEnv, NIGHTSHIFT_KEY: 'ns_wrong_key' }, elsewhere);
    assert.equal(unauthorized.code, 4, unauthorized.stderr);
    assert.match(unauthorized.stderr, /\[UNAUTHORIZED\]/);
  });
});
