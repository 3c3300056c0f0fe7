/** Commands find their project upwards from the current folder, as git does, and never make a new embedded Postgres outside one. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../bin/nightshift', import.meta.url).pathname;
let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'nightshift-locate-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** The real command in `cwd`, with no DATABASE_URL in its environment. */
function run(args: string[], cwd: string) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.NODE_TEST_CONTEXT;
  return spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
}

describe('finding the project', () => {
  it('refuses a database command outside any project with exit 2 and creates no embedded Postgres', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    for (const args of [['executions', 'ls'], ['dev']]) {
      const result = run(args, empty);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /No Nightshift project here or in any folder above .*nightshift init.*\[CONFIG_INVALID\]/s);
      assert.equal(existsSync(join(empty, '.nightshift')), false);
    }
  });

  it('refuses a --dir or [dir] that is not a project with exit 2', () => {
    for (const args of [['executions', 'ls', '--dir', root], ['serve', root]]) {
      const result = run(args, root);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /is not a Nightshift project \(no nightshift\.yaml, no workflows\/ folder\)/);
    }
  });

  it('uses the nearest folder above with nightshift.yaml, from a folder deep inside it', () => {
    const project = join(root, 'project');
    mkdirSync(join(project, 'src', 'deep'), { recursive: true });
    // An invalid nightshift.yaml proves which file was read: its error names it, before any database is opened.
    writeFileSync(join(project, 'nightshift.yaml'), 'limits: [not, a, map]\n');
    const result = run(['executions', 'ls'], join(project, 'src', 'deep'));
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`${join(project, 'nightshift.yaml').replace(/[.]/g, '\\.')}`));
  });
});
