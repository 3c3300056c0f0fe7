/** `nightshift init` scaffolds a project whose own test passes; `nightshift types` writes the input types of its workflows. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import { validateFile } from '../src/service/index.ts';

const repo = new URL('..', import.meta.url).pathname;
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'nightshift-init-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

function withoutTestContext(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

describe('nightshift init', () => {
  it('writes a workflow, handlers, nightshift.yaml, .gitignore, a test and package.json', async () => {
    const { io, out } = capture();
    assert.equal(await main(['init', dir], io), 0);
    for (const file of ['nightshift.yaml', 'workflows/welcome.yaml', 'handlers.mjs', 'test/welcome.test.mjs', '.gitignore', 'package.json']) {
      assert.match(out.join(''), new RegExp(`created ${file.replace('.', '\\.')}`));
    }
    const workflow = readFileSync(join(dir, 'workflows/welcome.yaml'), 'utf8');
    assert.match(workflow, /^# yaml-language-server: \$schema=\.\.\/node_modules\/nightshift\/schema\/workflow\.schema\.json\n/);
    assert.deepEqual((await validateFile(join(dir, 'workflows/welcome.yaml'))).problems, []);
    assert.equal(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts.start, 'nightshift dev');
  });

  it('keeps files that exist', async () => {
    writeFileSync(join(dir, 'handlers.mjs'), '// mine\nexport const resources = { greet: () => ({ message: "mine" }) };\n');
    const { io, out } = capture();
    assert.equal(await main(['init', dir], io), 0);
    assert.match(out.join(''), /kept {4}handlers\.mjs/);
    assert.match(readFileSync(join(dir, 'handlers.mjs'), 'utf8'), /^\/\/ mine/);
    rmSync(join(dir, 'handlers.mjs'));
    await main(['init', dir], capture().io);
  });

  it('makes a project whose own test passes with nightshift/testing', () => {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(repo, join(dir, 'node_modules', 'nightshift'));
    // NODE_TEST_CONTEXT would make the child report to this runner instead of printing.
    // In this checkout nightshift/testing is the TypeScript source (the nightshift-source condition, through tsx).
    const run = spawnSync(process.execPath, ['--conditions=nightshift-source', '--import', import.meta.resolve('tsx'), '--test', 'test/'], { cwd: dir, encoding: 'utf8', env: withoutTestContext() });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /# pass 1\n/);
  });
});

describe('nightshift types', () => {
  it("writes each workflow's input type from its parameters and the Workflows map", async () => {
    const { io } = capture();
    assert.equal(await main(['types', join(repo, 'examples/integrations'), '--out', join(dir, 'types.ts')], io), 0);
    assert.match(readFileSync(join(dir, 'types.ts'), 'utf8'), /export interface Workflows/);
    const out = capture();
    assert.equal(await main(['types', join(repo, 'examples/integrations'), '--out', '-'], out.io), 0);
    const text = out.out.join('');
    assert.match(text, /export interface ChargeAtTrialEndInput \{\n {2}customer: string;\n {2}paymentMethod: string;\n {2}amount: number;\n\}/);
    assert.match(text, /export interface Workflows \{\n {2}"charge-at-trial-end": ChargeAtTrialEndInput;/);
  });

  it('refuses a project with an invalid workflow, listing its problems (exit 2)', async () => {
    writeFileSync(join(dir, 'workflows', 'broken.yaml'), 'StartAt: A\nStates: { A: { Type: Pass, Next: B } }\n');
    const { io, err } = capture();
    assert.equal(await main(['types', dir], io), 2);
    assert.match(err.join(''), /broken\.yaml.*\/States\/A\/Next/s);
  });
});

describe('the command line loads the engine only for a command that runs', () => {
  it('lists the same Scheduler kinds in its help as the service knows', async () => {
    const { scheduledItemKinds } = await import('../src/cli/verbs.ts');
    const service = await import('../src/service/index.ts');
    assert.deepEqual(scheduledItemKinds, service.scheduledItemKinds);
  });
});
