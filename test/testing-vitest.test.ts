/**
 * nightshift/testing under vitest: examples/testing/renew-subscription.vitest.ts is run by a real
 * `vitest run` in a child process (its vitest.config.ts resolves `nightshift/testing` to src/ through
 * the `nightshift-source` condition), and must pass with each of its tests. The node:test side of the
 * same example is run by npm test itself (renew-subscription.test.ts).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const example = join(repo, 'examples/testing');

interface VitestReport {
  success: boolean;
  numTotalTests: number;
  numPassedTests: number;
  testResults: Array<{ name: string; assertionResults: Array<{ title: string; status: string }> }>;
}

let tmp: string;
let report: VitestReport;
let printed: string;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nightshift-vitest-'));
  const outputFile = join(tmp, 'report.json');
  // The child is vitest's own process: none of node:test's context or this run's loader options.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  const result = spawnSync(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${outputFile}`],
    { cwd: example, env, encoding: 'utf8', timeout: 180_000 });
  printed = `${result.stdout}\n${result.stderr}`;
  assert.equal(result.status, 0, `vitest run failed:\n${printed}`);
  report = JSON.parse(readFileSync(outputFile, 'utf8')) as VitestReport;
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('nightshift/testing under vitest', () => {
  it('runs only the vitest file of examples/testing, not the node:test one', () => {
    assert.deepEqual(report.testResults.map((r) => basename(r.name)), ['renew-subscription.vitest.ts']);
  });

  it('passes every test of the example, vi.fn() mocks and virtual time included', () => {
    const results = report.testResults[0].assertionResults;
    assert.deepEqual(results.map((r) => [r.title, r.status]), [
      ['charges the card once and renews', 'passed'],
      ['retries while the payment provider is unavailable', 'passed'],
      ['reminds the customer three days after a declined card, then lapses', 'passed'],
      ['refuses an input the parameters schema refuses, with its code', 'passed'],
    ]);
    assert.deepEqual([report.success, report.numTotalTests, report.numPassedTests], [true, 4, 4]);
  });
});
