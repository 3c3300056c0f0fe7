/**
 * Bad requests through the service verbs: each is refused with its stable EngineError code (never a
 * driver error or a message to match), names what is wrong, and leaves what is stored untouched.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadWorkflow } from '../../src/asl/index.ts';
import { maxPayloadBytes } from '../../src/core/index.ts';
import {
  deployDirectory,
  describeExecution,
  describeWorkflow,
  executionHistory,
  listExecutions,
  redriveExecution,
  startExecution,
  stopExecution,
  waitForExecution,
} from '../../src/service/index.ts';
import { EngineError, jsonByteSize, type Json } from '../../src/shared/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

const orders = {
  name: 'orders',
  parameters: {
    type: 'object',
    required: ['customerId', 'amount'],
    properties: { customerId: { type: 'string' }, amount: { type: 'number', minimum: 0 }, route: { enum: ['hold', 'fail', 'echo'] } },
  },
  definition: {
    StartAt: 'Route',
    States: {
      Route: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.route', StringEquals: 'hold', Next: 'Hold' },
          { Variable: '$.route', StringEquals: 'fail', Next: 'Refuse' },
        ],
        Default: 'Echo',
      },
      Hold: { Type: 'Wait', Seconds: 3600, Next: 'Echo' },
      Refuse: { Type: 'Fail', Error: 'Orders.Refused' },
      Echo: { Type: 'Task', Resource: 'test:echo', End: true },
    },
  },
};

let engine: TestEngine;
let stored: string[] = [];

before(async () => {
  engine = await createTestEngine();
  await engine.deploy(orders, 'orders');
  await engine.deploy({ StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: 'test:echo', End: true } } }, 'open');
  const routes = ['echo', 'echo', 'echo', 'fail', 'hold', 'hold'];
  stored = [];
  for (const [i, route] of routes.entries()) {
    stored.push((await startExecution(engine.deps, { workflow: 'orders', input: { customerId: `c${i}`, amount: i, route } })).executionId);
  }
  for (const id of stored) await waitForExecution(engine.deps, id, 300); // the held ones stay RUNNING
});

after(() => engine.close());

/** Everything a refused request could have touched: executions, their history, jobs, workflows. */
async function storedState(): Promise<unknown> {
  const { sql } = engine.db;
  return {
    executions: [...(await sql.unsafe('select id, status, event_count, output, error, updated_at from nightshift.executions order by id'))],
    history: [...(await sql.unsafe('select execution_id, count(*)::int as n, max(seq) as last from nightshift.history_events group by 1 order by 1'))],
    jobs: [...(await sql.unsafe('select id, kind, run_at, dedupe_key from nightshift.jobs order by id'))],
    workflows: [...(await sql.unsafe('select name, current_version_id from nightshift.workflows order by name'))],
    versions: [...(await sql.unsafe('select id from nightshift.workflow_versions order by id'))],
  };
}

/** Runs `request`, which must fail with EngineError `code`; the stored state must be unchanged. */
async function refused(code: string, request: () => Promise<unknown>): Promise<EngineError> {
  const before = await storedState();
  const error = await request().then(
    (value) => assert.fail(`expected ${code}, got ${JSON.stringify(value)}`),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof EngineError, `an EngineError, not ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.deepEqual(await storedState(), before, 'nothing stored changed');
  return error;
}

describe('bad input through the service verbs', () => {
  it('finds the stored executions as they were started: three SUCCEEDED, one FAILED, two RUNNING', async () => {
    const statuses = await Promise.all(stored.map(async (id) => (await describeExecution(engine.deps, id)).status));
    assert.deepEqual(statuses, ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'RUNNING', 'RUNNING']);
  });

  it('reports every problem of a malformed definition with its pointer and position, and deploys nothing', async () => {
    const text = JSON.stringify(
      {
        StartAt: 'Missing',
        States: {
          A: { Type: 'Task', Resource: 'test:echo', Next: 'Nowhere' },
          B: { Type: 'Pass', End: true, Nxt: 'A' },
          C: { Type: 'Wait', End: true },
        },
      },
      null,
      2,
    );
    const { workflow, problems } = loadWorkflow(text, 'broken.json');
    assert.equal(workflow, null);
    const pointers = new Set(problems.map((p) => p.pointer));
    for (const pointer of ['/StartAt', '/States/A/Next', '/States/B/Nxt', '/States/C']) {
      assert.ok(pointers.has(pointer), `a problem at ${pointer}: ${JSON.stringify(problems)}`);
    }
    for (const problem of problems) {
      assert.equal(problem.file, 'broken.json');
      assert.ok(problem.code.length > 0 && typeof problem.line === 'number' && typeof problem.column === 'number', JSON.stringify(problem));
    }

    const syntax = loadWorkflow('{"StartAt": "A", "States": {', 'cut.json');
    assert.equal(syntax.workflow, null);
    assert.ok(syntax.problems.length > 0 && syntax.problems.every((p) => typeof p.line === 'number'), JSON.stringify(syntax.problems));

    const badSchema = loadWorkflow(JSON.stringify({ ...orders, name: 'strict', parameters: { type: 'object', requird: ['x'] } }), 'strict.json');
    assert.equal(badSchema.workflow, null);
    assert.ok(badSchema.problems.some((p) => p.pointer.startsWith('/parameters')), JSON.stringify(badSchema.problems));

    // Deploying a folder: the malformed files are reported and not deployed, even one named like a deployed workflow.
    const dir = await mkdtemp(join(tmpdir(), 'nightshift-bad-input-'));
    try {
      await writeFile(join(dir, 'broken.json'), text);
      await writeFile(join(dir, 'orders.json'), JSON.stringify({ ...orders, definition: { StartAt: 'Gone', States: {} } }));
      const before = await storedState();
      const report = await deployDirectory(engine.deps, dir, { isKnownResource: (r) => engine.registry.has(r) });
      assert.deepEqual(report.deployed, []);
      assert.deepEqual(report.invalid.map((f) => f.file).sort(), [join(dir, 'broken.json'), join(dir, 'orders.json')]);
      assert.ok(report.invalid.every((f) => f.problems.length > 0 && f.problems.every((p) => typeof p.pointer === 'string')));
      assert.deepEqual(await storedState(), before, 'nothing deployed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await refused('WORKFLOW_NOT_FOUND', () => describeWorkflow(engine.deps, 'broken'));
  });

  it('refuses an input that fails the parameters schema with INPUT_INVALID, naming each field', async () => {
    const error = await refused('INPUT_INVALID', () =>
      startExecution(engine.deps, { workflow: 'orders', input: { customerId: 42, route: 'teleport' } }),
    );
    const problems = (error.details as { problems: Array<{ pointer: string; message: string }> }).problems;
    assert.ok(problems.some((p) => p.pointer === '/customerId'), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.pointer === '/route'), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.message.includes('amount')), `the missing field is named: ${JSON.stringify(problems)}`);
    for (const field of ['customerId', 'route', 'amount']) assert.ok(error.message.includes(field), error.message);

    await refused('INPUT_INVALID', () => startExecution(engine.deps, { workflow: 'orders', input: { customerId: 'c', amount: -1 } }));
    await refused('INPUT_INVALID', () => startExecution(engine.deps, { workflow: 'orders', input: ['customerId', 'amount'] }));
    await refused('INPUT_INVALID', () => startExecution(engine.deps, { workflow: 'orders', input: null }));
    await refused('INPUT_INVALID', () => startExecution(engine.deps, { workflow: 'orders', input: { customerId: 'c', amount: 1 }, name: 'no spaces allowed' }));
  });

  it('refuses an input over 256 KiB with PAYLOAD_TOO_LARGE, counting bytes rather than characters', async () => {
    const big = { customerId: 'c', amount: 1, note: 'x'.repeat(maxPayloadBytes) };
    await refused('PAYLOAD_TOO_LARGE', () => startExecution(engine.deps, { workflow: 'orders', input: big }));
    // 131 072 two-byte characters: half the limit in characters, just over it in UTF-8 bytes.
    const accented: Json = 'é'.repeat(maxPayloadBytes / 2);
    assert.ok(jsonByteSize(accented) > maxPayloadBytes && JSON.stringify(accented).length < maxPayloadBytes);
    await refused('PAYLOAD_TOO_LARGE', () => startExecution(engine.deps, { workflow: 'open', input: accented }));
    // The size is checked before the schema: a huge input is not parsed against it.
    await refused('PAYLOAD_TOO_LARGE', () => startExecution(engine.deps, { workflow: 'orders', input: { blob: 'y'.repeat(maxPayloadBytes + 1) } }));
  });

  it('refuses an unknown workflow with WORKFLOW_NOT_FOUND', async () => {
    await refused('WORKFLOW_NOT_FOUND', () => startExecution(engine.deps, { workflow: 'no-such-workflow', input: {} }));
    await refused('WORKFLOW_NOT_FOUND', () => startExecution(engine.deps, { workflow: "orders'; drop table nightshift.jobs; --", input: {} }));
    await refused('WORKFLOW_NOT_FOUND', () => describeWorkflow(engine.deps, 'no-such-workflow'));
  });

  it('refuses an unknown or malformed execution id with EXECUTION_NOT_FOUND in every verb', async () => {
    const ids = [
      randomUUID(),
      'not-a-uuid',
      '',
      "'; delete from nightshift.executions; --",
      '-'.repeat(36),
      `${randomUUID().slice(0, 35)}-`,
      randomUUID().toUpperCase(),
    ];
    const verbs: Record<string, (id: string) => Promise<unknown>> = {
      describeExecution: (id) => describeExecution(engine.deps, id),
      executionHistory: (id) => executionHistory(engine.deps, id),
      stopExecution: (id) => stopExecution(engine.deps, id),
      redriveExecution: (id) => redriveExecution(engine.deps, id),
      waitForExecution: (id) => waitForExecution(engine.deps, id, 10),
    };
    const wrong: string[] = [];
    for (const id of ids) {
      for (const [verb, call] of Object.entries(verbs)) {
        await refused('EXECUTION_NOT_FOUND', () => call(id)).catch((e: Error) => wrong.push(`${verb}(${JSON.stringify(id)}): ${e.message}`));
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('refuses a forged list cursor with INPUT_INVALID rather than a database error', async () => {
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    for (const forged of [cursor('nonsense'), cursor(`2030-01-01T00:00:00.000Z|not-a-uuid`), cursor(`2030-01-01T00:00:00.000Z|${'-'.repeat(36)}`)]) {
      await refused('INPUT_INVALID', () => listExecutions(engine.deps, { cursor: forged }));
    }
  });

  it('still has every stored execution as it was, and the held ones still run to the end', async () => {
    const statuses = await Promise.all(stored.map(async (id) => (await describeExecution(engine.deps, id)).status));
    assert.deepEqual(statuses, ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'RUNNING', 'RUNNING']);
    const [{ n }] = await engine.db.sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from nightshift.executions`);
    assert.equal(n, stored.length, 'no execution was added by a refused request');
    const held = stored.slice(4);
    for (const id of held) {
      const [{ id: jobId }] = await engine.db.sql.unsafe<Array<{ id: number }>>(`select id from nightshift.jobs where execution_id = $1`, [id]);
      await engine.db.sql.unsafe('update nightshift.jobs set run_at = now() where id = $1', [jobId]);
    }
    for (const id of held) {
      const end = await waitForExecution(engine.deps, id, 10_000);
      assert.equal(end.status, 'SUCCEEDED', JSON.stringify(end));
    }
  });
});
