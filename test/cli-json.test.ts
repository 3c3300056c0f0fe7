/**
 * With --json every outcome is one JSON document on stdout, with the exit code of the error-code table;
 * `execute` answers so with or without --json (its answer is always JSON).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import { errorCodes } from '../src/shared/index.ts';

let project = '';
let greet = '';
before(() => {
  project = mkdtempSync(join(tmpdir(), 'nightshift-cli-json-'));
  mkdirSync(join(project, 'workflows'));
  greet = join(project, 'workflows', 'greet.yaml');
  writeFileSync(greet, [
    'name: greet', 'parameters:', '  type: object', '  required: [name]', '  properties: { name: { type: string }, age: { type: integer } }',
    'definition:', '  StartAt: Check', '  States:',
    '    Check: { Type: Choice, Choices: [{ Variable: $.name, StringEquals: nobody, Next: Refuse }], Default: Hello }',
    '    Refuse: { Type: Fail, Error: App.Nobody, Cause: no one to greet }',
    "    Hello: { Type: Pass, Parameters: { message.$: \"States.Format('Hello, {}!', $.name)\" }, End: true }", '',
  ].join('\n'));
  writeFileSync(join(project, 'workflows', 'broken.yaml'), 'StartAt: A\nStates: { A: { Type: Pass, Next: B } }\n');
});
after(() => rmSync(project, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; json: Record<string, unknown>; lines: number; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), isTTY: false });
  const text = out.join('');
  return { code, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), lines: text.split('\n').filter((l) => l !== '').length, stderr: err.join('') };
}

describe('nightshift execute prints one JSON document for every outcome', () => {
  for (const json of [['--json'], []]) {
    const flag = json.length > 0 ? 'with --json' : 'without --json';
    it(`success, failure, refused input, invalid file, missing file and usage error, ${flag}`, async () => {
      const cases: [string[], number, (doc: Record<string, unknown>) => void][] = [
        [['execute', greet, '--input', '{"name":"Ada"}'], 0, (d) => assert.deepEqual(d, { status: 'SUCCEEDED', output: { message: 'Hello, Ada!' } })],
        [['execute', greet, '--input', '{"name":"nobody"}'], 1, (d) => assert.deepEqual(d, { status: 'FAILED', error: 'App.Nobody', cause: 'no one to greet' })],
        [['execute', greet, '--input', '{"name":"Ada","age":"old"}'], errorCodes.INPUT_INVALID.exit, (d) => {
          assert.equal(d.status, 'ERROR');
          const error = d.error as { code: string; details: { problems: { pointer: string }[] } };
          assert.equal(error.code, 'INPUT_INVALID');
          assert.deepEqual(error.details.problems.map((p) => p.pointer), ['/age']);
        }],
        [['execute', greet, '--input', '{not json'], errorCodes.INPUT_INVALID.exit, (d) => assert.equal((d.error as { code: string }).code, 'INPUT_INVALID')],
        [['execute', join(project, 'workflows', 'broken.yaml')], errorCodes.DEFINITION_INVALID.exit, (d) => {
          assert.equal(d.status, 'INVALID');
          assert.deepEqual((d.problems as { pointer: string }[]).map((p) => p.pointer), ['/States/A/Next']);
        }],
        [['execute', join(project, 'workflows', 'none.yaml')], 2, (d) => {
          assert.equal(d.status, 'INVALID');
          assert.deepEqual((d.problems as { code: string }[]).map((p) => p.code), ['FILE_UNREADABLE']);
        }],
        [['execute'], errorCodes.INPUT_INVALID.exit, (d) => assert.deepEqual([d.status, (d.error as { code: string }).code], ['ERROR', 'INPUT_INVALID'])],
        [['execute', greet, '--no-such-option'], errorCodes.INPUT_INVALID.exit, (d) => assert.deepEqual([d.status, (d.error as { code: string }).code], ['ERROR', 'INPUT_INVALID'])],
      ];
      for (const [args, exit, check] of cases) {
        const result = await run([...args, ...json]);
        assert.equal(result.code, exit, `${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.lines, 1, `${args.join(' ')}: one JSON line`);
        check(result.json);
      }
    });
  }
});

describe('--json on the other commands', () => {
  it('prints a refusal as the API error body on stdout, with the exit code of its code', async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const notAProject = mkdtempSync(join(tmpdir(), 'nightshift-cli-json-none-'));
      for (const args of [['executions', 'show', 'e1'], ['start', 'greet'], ['keys', 'ls'], ['scheduled', 'cancel', 'r1'], ['validate', greet]]) {
        const refused = await run([...args, '--dir', notAProject, '--json']);
        assert.equal(refused.code, errorCodes.CONFIG_INVALID.exit, args.join(' '));
        assert.deepEqual(Object.keys(refused.json), ['error'], args.join(' '));
        assert.equal((refused.json.error as { code: string }).code, 'CONFIG_INVALID');
        assert.match(refused.stderr, /\[CONFIG_INVALID\]/);
      }
      rmSync(notAProject, { recursive: true });
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });

  it('prints a usage error so too, and nothing on stdout without --json', async () => {
    const usage = await run(['executions', 'show', '--json']);
    assert.equal(usage.code, errorCodes.INPUT_INVALID.exit);
    assert.match((usage.json.error as { message: string }).message, /missing required argument 'id'/);
    const quiet = await run(['executions', 'show']);
    assert.deepEqual([quiet.code, quiet.lines], [errorCodes.INPUT_INVALID.exit, 0]);
  });
});
