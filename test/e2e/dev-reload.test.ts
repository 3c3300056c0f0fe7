/** `nightshift dev` imports the handlers module anew when its file changes: the next execution runs the new code. */
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
const handlers = (greeting: string) => `export const resources = { "app:greet": (input) => ({ message: "${greeting}, " + input.name }) };\n`;

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

async function greet(url: string): Promise<unknown> {
  const response = await fetch(`${url}/v1/workflows/greet/executions?wait=10`, { method: 'POST', body: '{"name":"Ada"}', headers: { 'content-type': 'application/json' } });
  return ((await response.json()) as { output: unknown }).output;
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
});
