/** Commands find their project upwards from the current folder, as git does, and never make a new embedded Postgres outside one. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram, main } from '../src/cli/main.ts';

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

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

/** The command in this process, run from `cwd` (this test file has its process to itself). */
async function inProcess(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const { io, out, err } = capture();
    const code = await main(args, io);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.chdir(before);
  }
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

  it('finds the project upwards for types and validate too, and reads its nightshift.yaml', async () => {
    const project = join(root, 'typed');
    mkdirSync(join(project, 'workflows'), { recursive: true });
    mkdirSync(join(project, 'src', 'deep'), { recursive: true });
    writeFileSync(join(project, 'workflows', 'greet.yaml'), 'name: greet\nparameters:\n  type: object\n  required: [name]\n  properties: { name: { type: string } }\n'
      + 'definition:\n  StartAt: A\n  States:\n    A: { Type: Pass, Next: B }\n    B: { Type: Pass, End: true }\n');
    const deep = join(project, 'src', 'deep');
    const types = await inProcess(['types', '--out', '-'], deep);
    assert.equal(types.code, 0, types.stderr);
    assert.match(types.stdout, /export interface GreetInput \{\n {2}name: string;/);
    const valid = await inProcess(['validate'], deep);
    assert.deepEqual([valid.code, valid.stdout], [0, '✓ ../../workflows/greet.yaml\n'], valid.stderr);
    // The project's limits apply, whether the files are found or named.
    writeFileSync(join(project, 'nightshift.yaml'), 'limits: { maxDefinitionStates: 1 }\n');
    for (const args of [['validate'], ['validate', join(project, 'workflows', 'greet.yaml')], ['types']]) {
      const refused = await inProcess(args, deep);
      assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.stdout}${refused.stderr}`);
      assert.match(refused.stdout + refused.stderr, /maxDefinitionStates|limit of 1/, args.join(' '));
    }
  });

  it('refuses types outside any project with exit 2', async () => {
    const empty = join(root, 'empty-types');
    mkdirSync(empty);
    const result = await inProcess(['types'], empty);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /No Nightshift project here or in any folder above .*\[CONFIG_INVALID\]/s);
  });
});

describe('the --dir option', () => {
  it('is an option of every command', () => {
    const missing: string[] = [];
    const walk = (command: Command, path: string[]) => {
      for (const sub of command.commands) {
        if (sub.commands.length > 0) walk(sub, [...path, sub.name()]);
        else if (!sub.options.some((o) => o.long === '--dir')) missing.push([...path, sub.name()].join(' '));
      }
    };
    walk(buildProgram({ io: capture().io, exit: () => {} }), []);
    assert.deepEqual(missing, []);
  });

  it('refuses a folder that is not a project the same way on every command that reads one (exit 2)', async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const file = join(root, 'loose.yaml');
      writeFileSync(file, 'StartAt: A\nStates: { A: { Type: Pass, End: true } }\n');
      const commands = [['validate'], ['validate', file], ['execute', file], ['types'], ['dev'], ['serve'], ['worker'], ['migrate'], ['start', 'greet'],
        ['executions', 'ls'], ['keys', 'ls'], ['schedules', 'ls'], ['scheduled', 'ls'], ['schedule', 'greet'], ['workflows', 'ls']];
      for (const args of commands) {
        const { io, err } = capture();
        assert.equal(await main([...args, '--dir', root], io), 2, `${args.join(' ')}: ${err.join('')}`);
        assert.match(err.join(''), /is not a Nightshift project \(no nightshift\.yaml, no workflows\/ folder\).*\[CONFIG_INVALID\]/, args.join(' '));
      }
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });

  it('names the folder init makes, and may not name another folder than [dir]', async () => {
    const made = join(root, 'made-with-dir');
    assert.equal(await main(['init', '--dir', made], capture().io), 0);
    assert.equal(existsSync(join(made, 'nightshift.yaml')), true);
    const { io, err } = capture();
    assert.equal(await main(['types', made, '--dir', root], io), 2);
    assert.match(err.join(''), /Two project folders given.*\[INPUT_INVALID\]/);
  });
});
