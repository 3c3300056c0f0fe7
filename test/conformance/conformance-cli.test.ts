/**
 * The conformance cases through `nightshift execute`: every case through the command's own code
 * (`main(argv)`, stdout and stderr captured), and an even spread of them through the real executable
 * in a child process, which proves the binary, its exit codes and its one line of JSON.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { checkOutcome, loadCases, type ConformanceCase, type Outcome } from './cases.ts';

const root = resolve(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'nightshift');
const handlers = join(root, 'test', 'support', 'test-resources.ts');
/** One case in this many also runs as a real process (each costs ~0.5 s of CPU to start). */
const processSample = 12;
let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'nightshift-conformance-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function argsFor(c: ConformanceCase, index: number): string[] {
  const caseDir = join(dir, String(index));
  mkdirSync(caseDir, { recursive: true });
  const file = join(caseDir, 'conformance.json');
  writeFileSync(file, JSON.stringify(c.definition));
  return ['execute', file, '--input', JSON.stringify(c.input ?? {}), '--name', c.executionName ?? 'execution', '--handlers', handlers, '--fast-forward'];
}

async function inProcess(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

function asProcess(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      done({ code, stdout, stderr });
    });
  });
}

const exitCodes: Record<string, number> = { SUCCEEDED: 0, FAILED: 1, TIMED_OUT: 1, ABORTED: 1, INVALID: 2 };

function check(c: ConformanceCase, { code, stdout, stderr }: Run): void {
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stdout, got: ${stdout}\nstderr: ${stderr}`);
  const got = JSON.parse(lines[0]) as Outcome;
  checkOutcome(c.expect, { ...got, error: got.error ?? undefined, cause: got.cause ?? undefined });
  assert.equal(code, exitCodes[c.expect.status], `exit code; stderr: ${stderr}`);
}

const cases = loadCases();

describe('conformance through the execute command', { concurrency: 8 }, () => {
  cases.forEach((c, index) => {
    it(`${c.file}: ${c.name}`, async () => check(c, await inProcess(argsFor(c, index))));
  });
});

describe('conformance through the nightshift executable', { concurrency: 4 }, () => {
  cases.forEach((c, index) => {
    if (index % processSample !== 0) return;
    it(`${c.file}: ${c.name}`, async () => check(c, await asProcess(argsFor(c, index))));
  });
});
