/**
 * Inputs that must not take the process down (issue 10, items 5 and 6), against a real server on loopback:
 * a hostile pattern in a workflow's parameters, and JSON nested deeper than the limit on every route.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, listen, type ListeningServer } from '../../src/api/index.ts';
import { createApiKey, startExecution, waitForExecution } from '../../src/service/index.ts';
import { maxJsonDepth } from '../../src/shared/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
let server: ListeningServer;
let adminKey: string;

before(async () => {
  engine = await createTestEngine();
  const pass = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };
  const parameters = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } };
  await engine.deploy({ name: 'hostile', auth: 'public', parameters, definition: pass }, 'hostile');
  engine.registry.register('test:deep', (input) => nested((input as { depth: number }).depth));
  const deepTask = { StartAt: 'Deep', States: { Deep: { Type: 'Task', Resource: 'test:deep', End: true } } };
  await engine.deploy({ name: 'deep-durable', definition: deepTask }, 'deep-durable');
  await engine.deploy({ name: 'deep-transient', mode: 'transient', definition: deepTask }, 'deep-transient');
  adminKey = (await createApiKey(engine.deps, { role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true })).key;
  server = await listen(createApp({ ...engine.deps, health: async () => {} }), { port: 0, host: '127.0.0.1' });
});

after(async () => {
  await server?.close();
  await engine?.close();
});

/** `{"a":{"a":…1…}}`, `depth` objects deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('JSON nested too deep', () => {
  it('is refused with 400 INPUT_TOO_DEEP by every route of /openapi.json that takes a JSON body', async () => {
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const routes = Object.entries(openapi.paths).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([, op]) => op.requestBody).map(([method]) => ({ method: method.toUpperCase(), path })));
    assert.ok(routes.length >= 10, `the document lists ${routes.length} routes with a body`);
    for (const depth of [5_000, 100_000]) {
      const bodies = [`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, `${'['.repeat(depth)}${']'.repeat(depth)}`];
      for (const { method, path } of routes) {
        for (const body of bodies) {
          const url = `${server.url}${path.replace('{name}', 'hostile').replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000')}`;
          const response = await fetch(url, { method, headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' }, body });
          const answer = (await response.json()) as { error?: { code: string } };
          assert.deepEqual([response.status, answer.error?.code], [400, 'INPUT_TOO_DEEP'], `${method} ${path} at depth ${depth}`);
        }
      }
    }
  });

  it('takes JSON at the limit', async () => {
    const response = await fetch(`${server.url}/v1/workflows/hostile/executions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ t: nested(maxJsonDepth - 2) }),
    });
    assert.equal(response.status, 201);
  });

  for (const mode of ['durable', 'transient']) {
    it(`fails a task whose result nests 100 000 deep with States.DataLimitExceeded (${mode})`, async () => {
      const started = await startExecution(engine.deps, { workflow: `deep-${mode}`, input: { depth: 100_000 } });
      const ended = await waitForExecution(engine.deps, started.executionId, 20_000);
      assert.deepEqual([ended.status, ended.error], ['FAILED', 'States.DataLimitExceeded']);
      assert.match(ended.cause ?? '', /deeper than 256 levels/);
      const fine = await waitForExecution(engine.deps, (await startExecution(engine.deps, { workflow: `deep-${mode}`, input: { depth: 100 } })).executionId, 20_000);
      assert.equal(fine.status, 'SUCCEEDED');
    });
  }
});

describe('a hostile input pattern', () => {
  it('answers the hostile start with 400 and never holds another request up', async () => {
    // 31 letters: on a backtracking engine this start holds the process for 2^31 steps (tens of seconds),
    // so the bound fails there; the 40 would hold it for hours. The bound is 1 s, not the 100 ms
    // the issue asks for, so that a loaded 2-core machine cannot fail it; the linear engine answers in ~1 ms.
    let answered = false;
    const hostile = fetch(`${server.url}/v1/workflows/hostile/executions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ s: `${'a'.repeat(31)}!` }),
    }).finally(() => { answered = true; });
    // /healthz over and over while the start is in flight (and a few times after): the longest wait counts.
    let longest = 0;
    for (let probes = 0; !answered || probes < 5; probes++) {
      const sent = performance.now();
      const health = await fetch(`${server.url}/healthz`);
      longest = Math.max(longest, performance.now() - sent);
      assert.equal(health.status, 200);
    }
    const answer = await hostile;
    assert.equal(answer.status, 400);
    assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'INPUT_INVALID');
    assert.ok(longest < 1000, `/healthz waited ${longest.toFixed(0)} ms behind the hostile start`);
  });
});
