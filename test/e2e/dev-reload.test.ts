/**
 * `nightshift dev` imports the handlers module anew when its file changes: the next execution runs the
 * new code, a name the module no longer exports is no longer served (its Tasks wait as for any resource
 * no worker serves), and a renamed handler is served under its new name.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startNightshift, type NightshiftProcess } from '../support/nightshift-process.ts';

let db: TestDatabase;
let project = '';
let dev: NightshiftProcess | undefined;
const handler = (name: string, greeting: string) => `"app:${name}": (input) => ({ message: "${greeting}, " + input.name })`;
const handlers = (greeting: string, ...more: string[]) => `export const resources = { ${[handler('greet', greeting), ...more].join(', ')} };\n`;
const taskWorkflow = (name: string, resource: string) => `name: ${name}\ndefinition:\n  StartAt: Call\n  States:\n    Call: { Type: Task, Resource: "${resource}", End: true }\n`;

before(async () => {
  db = await createTestDatabase();
  project = mkdtempSync(join(tmpdir(), 'nightshift-dev-reload-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'nightshift.yaml'), 'handlers: handlers.mjs\n');
  writeFileSync(join(project, 'handlers.mjs'), handlers('Hello'));
  writeFileSync(join(project, 'workflows', 'greet.yaml'), 'name: greet\ndefinition:\n  StartAt: Greet\n  States:\n    Greet: { Type: Task, Resource: "app:greet", End: true }\n');
});
after(async () => {
  await dev?.kill();
  rmSync(project, { recursive: true, force: true });
  await db.drop();
});

interface View { executionId: string; status: string; output?: unknown; waitingReason?: string }

async function startAndWait(url: string, workflow: string, seconds = 10): Promise<View> {
  const response = await fetch(`${url}/v1/workflows/${workflow}/executions?wait=${seconds}`, { method: 'POST', body: '{"name":"Ada"}', headers: { 'content-type': 'application/json' } });
  return (await response.json()) as View;
}

async function greet(url: string): Promise<unknown> {
  return (await startAndWait(url, 'greet')).output;
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

/** Polls `read` until `ok` holds of its answer, or fails after `ms` with the last answer. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) assert.fail(`not so within ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('nightshift dev and the handlers module', () => {
  it('reloads the handlers module when it changes, replacing the registered handlers', async () => {
    dev = startNightshift(['dev', project, '--port', '0'], { DATABASE_URL: db.url, NIGHTSHIFT_AUTH: 'disabled', LOG_LEVEL: 'warn', NODE_ENV: 'development' });
    const [, url] = await dev.waitFor(/running at (http:\/\/\S+)/, 30_000);
    assert.deepEqual(await greet(url), { message: 'Hello, Ada' });
    writeFileSync(join(project, 'handlers.mjs'), handlers('Bonjour'));
    await dev.waitFor(/reloaded handlers handlers\.mjs \(app:greet\)/, 10_000);
    assert.deepEqual(await greet(url), { message: 'Bonjour, Ada' });
  });

  it('stops serving a name removed from the module (its Task waits as for any unserved resource) and serves a renamed one under its new name', async () => {
    const url = (await dev!.waitFor(/running at (http:\/\/\S+)/, 1000))[1];
    writeFileSync(join(project, 'handlers.mjs'), handlers('Hello', handler('farewell', 'Farewell')));
    await dev!.waitFor(/reloaded handlers handlers\.mjs \(app:greet, app:farewell\)\n/, 10_000);
    writeFileSync(join(project, 'workflows', 'farewell.yaml'), taskWorkflow('farewell', 'app:farewell'));
    await dev!.waitFor(/deployed farewell \(/, 10_000);
    assert.deepEqual((await startAndWait(url, 'farewell')).output, { message: 'Farewell, Ada' });

    // app:farewell renamed app:goodbye.
    writeFileSync(join(project, 'handlers.mjs'), handlers('Hello', handler('goodbye', 'Goodbye')));
    await dev!.waitFor(/reloaded handlers handlers\.mjs \(app:greet, app:goodbye\); no longer served: app:farewell\n/, 10_000);
    await dev!.waitFor(/not deployed: .*farewell\.yaml\n.*app:farewell/, 10_000);
    const waiting = await startAndWait(url, 'farewell', 1);
    assert.equal(waiting.status, 'RUNNING');
    const described = await eventually(() => getJson<View>(`${url}/v1/executions/${waiting.executionId}`), (v) => v.waitingReason !== undefined, 10_000);
    assert.match(described.waitingReason!, /app:farewell/);
    const scheduler = await getJson<{ items: { kind: string; executionId?: string; resource?: string }[] }>(`${url}/v1/scheduled?kind=unserved`);
    assert.deepEqual(scheduler.items.map((i) => [i.executionId, i.resource]), [[waiting.executionId, 'app:farewell']]);

    writeFileSync(join(project, 'workflows', 'goodbye.yaml'), taskWorkflow('goodbye', 'app:goodbye'));
    await dev!.waitFor(/deployed goodbye \(/, 10_000);
    assert.deepEqual((await startAndWait(url, 'goodbye')).output, { message: 'Goodbye, Ada' });

    // Served again: the waiting Task runs, as it would when a worker serving it starts.
    writeFileSync(join(project, 'handlers.mjs'), handlers('Hello', handler('goodbye', 'Goodbye'), handler('farewell', 'Farewell again')));
    await dev!.waitFor(/reloaded handlers handlers\.mjs \(app:greet, app:goodbye, app:farewell\)\n/, 10_000);
    const ended = await eventually(() => getJson<View>(`${url}/v1/executions/${waiting.executionId}`), (v) => v.status !== 'RUNNING', 15_000);
    assert.deepEqual([ended.status, ended.output], ['SUCCEEDED', { message: 'Farewell again, Ada' }]);
  });
});
