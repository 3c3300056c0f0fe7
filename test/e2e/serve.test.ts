/**
 * The real command: `nightshift serve` in a child process against a test database, driven over HTTP,
 * then stopped with SIGTERM (graceful shutdown). `nightshift executions` reads what it did.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const root = resolve(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'nightshift');
let db: TestDatabase;
let project = '';
let server: ChildProcess | null = null;

before(async () => {
  db = await createTestDatabase();
  project = mkdtempSync(join(tmpdir(), 'nightshift-serve-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(
    join(project, 'workflows', 'greet.yaml'),
    ['name: greet', 'definition:', '  StartAt: Hello', '  States:', '    Hello:', '      Type: Pass', '      Parameters:', "        message.$: States.Format('Hello, {}!', $.name)", '      End: true', ''].join('\n'),
  );
});
after(async () => {
  server?.kill('SIGKILL');
  rmSync(project, { recursive: true, force: true });
  await db.drop();
});

function env(): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' };
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env: env(), timeout: 30_000 }, (error, stdout, stderr) =>
      done({ code: error && typeof error.code === 'number' ? error.code : error ? -1 : 0, stdout, stderr }),
    );
  });
}

describe('nightshift serve', () => {
  it('deploys the project, answers over HTTP, and shuts down gracefully on SIGTERM', async () => {
    // serve refuses to start while no API key exists: make one the way a user would.
    const refused = await run(['serve', project, '--port', '0']);
    assert.equal(refused.code, 2, refused.stdout);
    assert.match(refused.stderr, /No API key exists.*\[CONFIG_INVALID\]/);
    const created = await run(['keys', 'create', '--role', 'authenticated', '--scopes', 'start:greet', '--dir', project]);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    server = spawn(process.execPath, [bin, 'serve', project, '--port', '0'], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
      server!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /serving at (http:\/\/[^\s]+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      });
    });
    assert.match(out, /deployed greet/);
    const started = await fetch(`${url}/v1/workflows/greet/executions?wait=10`, { method: 'POST', body: JSON.stringify({ name: 'Ada' }), headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
    assert.equal(started.status, 200);
    const view = (await started.json()) as { executionId: string; status: string; output: unknown };
    assert.deepEqual([view.status, view.output], ['SUCCEEDED', { message: 'Hello, Ada!' }]);

    const exited = new Promise<number | null>((r) => server!.on('exit', (code) => r(code)));
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
    server = null;

    const listed = await run(['executions', 'ls', '--dir', project, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal((JSON.parse(listed.stdout) as { items: Array<{ executionId: string }> }).items[0].executionId, view.executionId);
    const shown = await run(['executions', 'show', view.executionId, '--dir', project]);
    assert.equal((JSON.parse(shown.stdout) as { status: string }).status, 'SUCCEEDED');
    const missing = await run(['executions', 'show', '00000000-0000-0000-0000-000000000000', '--dir', project]);
    assert.equal(missing.code, 3, 'EXECUTION_NOT_FOUND exits with its code');
    assert.match(missing.stderr, /EXECUTION_NOT_FOUND/);
  });
});
