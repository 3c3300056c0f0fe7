/**
 * The real command under a pseudo-terminal (util-linux `script`): `start`, `schedule` and `executions
 * show` print `field: value` lines for people on a terminal, one JSON line with --json, and JSON when
 * stdout is a pipe.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createEngine } from '../../src/boot/index.ts';
import { loadConfig } from '../../src/config/index.ts';

const bin = join(resolve(import.meta.dirname, '..', '..'), 'bin', 'nightshift');
let db: TestDatabase;
let project = '';

before(async () => {
  db = await createTestDatabase();
  project = mkdtempSync(join(tmpdir(), 'nightshift-tty-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'workflows', 'greet.yaml'), 'name: greet\ndefinition:\n  StartAt: Later\n  States:\n    Later: { Type: Wait, Seconds: 3600, End: true }\n');
  const engine = await createEngine({ config: loadConfig({ projectDir: project, env: { DATABASE_URL: db.url } }), workers: false });
  try {
    assert.equal((await engine.deployWorkflows()).invalid.length, 0);
  } finally {
    await engine.stop();
  }
}, { timeout: 60_000 });

after(async () => {
  rmSync(project, { recursive: true, force: true });
  await db.drop();
});

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

function env(): NodeJS.ProcessEnv {
  const vars: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' };
  delete vars.NODE_TEST_CONTEXT;
  delete vars.NIGHTSHIFT_URL;
  return vars;
}

function finished(resolveRun: (r: { code: number; stdout: string }) => void) {
  return (error: Error | null, stdout: string) => resolveRun({ code: error ? Number((error as { code?: unknown }).code ?? -1) : 0, stdout: stdout.replace(/\r\n/g, '\n') });
}

/** The command with a terminal for stdout: `script -qec "…" /dev/null` gives it a pseudo-terminal. */
function onTerminal(args: string[]): Promise<{ code: number; stdout: string }> {
  const line = [process.execPath, bin, ...args].map(quote).join(' ');
  return new Promise((done) => execFile('script', ['-qec', line, '/dev/null'], { cwd: project, env: env(), timeout: 120_000 }, finished(done)));
}

/** The command with stdout a pipe. */
function piped(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => execFile(process.execPath, [bin, ...args], { cwd: project, env: env(), timeout: 120_000 }, finished(done)));
}

/** `field: value` lines, as printed for people; fails on anything else (a JSON line). */
function fields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.trimEnd().split('\n')) {
    const match = /^(\w+): +(.*)$/.exec(line);
    assert.ok(match, `not a "field: value" line: ${JSON.stringify(line)} in\n${text}`);
    out[match[1]] = match[2];
  }
  return out;
}

describe('the output of start, schedule and show', () => {
  it('is for people on a terminal and JSON with --json there, or when piped', async () => {
    const started = await onTerminal(['start', 'greet', '--input', '{"name":"Ada"}']);
    assert.equal(started.code, 0, started.stdout);
    const execution = fields(started.stdout);
    assert.deepEqual([execution.workflow, execution.status, execution.input], ['greet', 'RUNNING', '{"name":"Ada"}']);
    const id = execution.executionId;

    const [shown, shownJson, shownPiped, scheduled, scheduledJson, startedJson] = await Promise.all([
      onTerminal(['executions', 'show', id]),
      onTerminal(['executions', 'show', id, '--json']),
      piped(['executions', 'show', id]),
      onTerminal(['schedule', 'greet', '--in', '3600']),
      onTerminal(['schedule', 'greet', '--in', '3600', '--json']),
      onTerminal(['start', 'greet', '--json']),
    ]);
    for (const r of [shown, shownJson, shownPiped, scheduled, scheduledJson, startedJson]) assert.equal(r.code, 0, r.stdout);
    assert.deepEqual([fields(shown.stdout).executionId, fields(shown.stdout).status], [id, 'RUNNING']);
    for (const text of [shownJson.stdout, shownPiped.stdout]) {
      assert.deepEqual(Object.entries(JSON.parse(text) as object).filter(([k]) => ['executionId', 'status'].includes(k)), [['executionId', id], ['status', 'RUNNING']]);
    }
    assert.match(fields(scheduled.stdout).scheduledRunId, /^[0-9a-f-]{36}$/);
    assert.match((JSON.parse(scheduledJson.stdout) as { scheduledRunId: string }).scheduledRunId, /^[0-9a-f-]{36}$/);
    assert.equal((JSON.parse(startedJson.stdout) as { status: string }).status, 'RUNNING');
  });

  it('prints tables with a header, aligned columns and whole ids, one different id per execution', async () => {
    const [ls, workflows] = await Promise.all([piped(['executions', 'ls', '--workflow', 'greet']), piped(['workflows', 'ls'])]);
    assert.equal(ls.code, 0, ls.stdout);
    const [header, ...rows] = ls.stdout.trimEnd().split('\n');
    assert.match(header, /^EXECUTION +WORKFLOW +STATUS +STARTED +NAME \/ WHY HELD$/);
    assert.ok(rows.length >= 2, ls.stdout);
    const ids = rows.map((row) => row.split(/ +/)[0]);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
    for (const row of rows) assert.equal(row.indexOf('greet'), header.indexOf('WORKFLOW'), row);
    assert.equal(workflows.code, 0, workflows.stdout);
    assert.match(workflows.stdout, /^WORKFLOW +VERSION +STATE\ngreet +\S+ +deployed\n$/);
  });
});
