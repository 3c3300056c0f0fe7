/** The command line's manners: --version, an example in every --help, one exit code for every usage error. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildProgram, main } from '../src/cli/main.ts';
import { errorCodes } from '../src/shared/index.ts';
import { printTable, printView } from '../src/cli/output.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

function commandPaths(): string[][] {
  const paths: string[][] = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      paths.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(buildProgram({ io: capture().io, exit: () => {} }), []);
  return paths;
}

describe('the command line', () => {
  it('prints its version with --version and -V, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { io, out } = capture();
      assert.equal(await main([flag], io), 0);
      assert.equal(out.join(''), `${version}\n`);
    }
  });

  it('shows an example in the --help of every command', async () => {
    const paths = commandPaths();
    assert.ok(paths.length >= 30, `only ${paths.length} commands found`);
    for (const path of paths) {
      const { io, out } = capture();
      assert.equal(await main([...path, '--help'], io), 0, path.join(' '));
      assert.match(out.join(''), /\nExample:\n {2}.*nightshift /, `nightshift ${path.join(' ')} --help has no example`);
    }
  });

  it('gives every usage error the exit code of INPUT_INVALID, with the usage on stderr', async () => {
    const usage = errorCodes.INPUT_INVALID.exit;
    for (const argv of [['start'], ['executions', 'show'], ['executions', 'ls', '--no-such-option'], ['start', 'greet', '--bogus'], ['no-such-command'], ['keys', 'create'], ['start', 'greet', '--input']]) {
      const { io, err } = capture();
      assert.equal(await main(argv, io), usage, argv.join(' '));
      assert.match(err.join(''), /error: /, argv.join(' '));
    }
  });

  it('gives an unknown option and a missing argument the same exit code on every command', async () => {
    const usage = errorCodes.INPUT_INVALID.exit;
    const program = buildProgram({ io: capture().io, exit: () => {} });
    const leaves: [string[], Command][] = [];
    const walk = (command: Command, path: string[]) => {
      for (const sub of command.commands) (sub.commands.length > 0 ? walk(sub, [...path, sub.name()]) : leaves.push([[...path, sub.name()], sub]));
    };
    walk(program, []);
    let missing = 0;
    for (const [path, command] of leaves) {
      const unknown = capture();
      assert.equal(await main([...path, '--no-such-option'], unknown.io), usage, `${path.join(' ')} --no-such-option`);
      assert.match(unknown.err.join(''), /error: (unknown option '--no-such-option'|required option)/, path.join(' '));
      const required = command.registeredArguments.some((a) => a.required) || command.options.some((o) => o.mandatory);
      if (!required) continue;
      missing += 1;
      const bare = capture();
      assert.equal(await main(path, bare.io), usage, path.join(' '));
      assert.match(bare.err.join(''), /error: (missing required argument|required option)/, path.join(' '));
    }
    assert.ok(missing >= 15, `only ${missing} commands have a required argument`);
  });

  it('prints tables with a header and columns aligned to their widest cell', () => {
    const { io, out } = capture();
    printTable(io, ['ID', 'WORKFLOW', 'STATUS'], [['a1', 'welcome', 'SUCCEEDED'], ['b22222', 'charge-at-trial-end', 'RUNNING']]);
    assert.equal(out.join(''), [
      'ID      WORKFLOW             STATUS',
      'a1      welcome              SUCCEEDED',
      'b22222  charge-at-trial-end  RUNNING',
      '',
    ].join('\n'));
  });

  it('prints one object for people on a terminal, and one JSON line with --json or when stdout is not a terminal', () => {
    const view = { executionId: 'e1', status: 'SUCCEEDED', output: { message: 'Hello' }, error: null };
    const tty = capture();
    printView({ ...tty.io, isTTY: true }, view, undefined);
    assert.equal(tty.out.join(''), 'executionId: e1\nstatus:      SUCCEEDED\noutput:      {"message":"Hello"}\n');
    for (const [isTTY, json] of [[true, true], [false, undefined]] as const) {
      const piped = capture();
      printView({ ...piped.io, isTTY }, view, json);
      assert.deepEqual(JSON.parse(piped.out.join('')), view);
    }
  });
});
