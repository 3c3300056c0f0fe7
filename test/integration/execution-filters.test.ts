/**
 * Finding executions through the real API and a real database: by a field of the input or output
 * (`?input.user.email=a@b.com`, a JSON containment served by a GIN index), by start time, by name and
 * by idempotency key; an unknown query parameter is refused with its location.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/api/index.ts';
import { main } from '../../src/cli/main.ts';
import { createApiKey } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
let app: ReturnType<typeof createApp>;
let key = '';
const ids: Record<string, string> = {};

async function call(method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const response = await app.request(path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(json === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function found(query: string): Promise<string[]> {
  const reply = await call('GET', `/v1/executions?${query}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.items.map((e: { executionId: string }) => e.executionId).sort();
}

const sorted = (...names: string[]) => names.map((n) => ids[n]).sort();

before(async () => {
  engine = await createTestEngine();
  await engine.deploy({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }, 'echo');
  await engine.deploy({ StartAt: 'Done', States: { Done: { Type: 'Pass', Result: { shipped: true }, End: true } } }, 'ship');
  key = (await createApiKey(engine.deps, { name: 'admin', role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true })).key;
  app = createApp({ ...engine.deps });
  const start = async (name: string, workflow: string, input: unknown, query = '', headers: Record<string, string> = {}) => {
    const reply = await call('POST', `/v1/workflows/${workflow}/executions?wait=10${query}`, input, headers);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    ids[name] = reply.body.executionId;
  };
  await start('ada', 'echo', { user: { email: 'ada@example.com', plan: 'pro' }, amount: 42 });
  await start('grace', 'echo', { user: { email: 'grace@example.com', plan: 'pro' }, amount: '42' });
  await start('named', 'echo', { user: { email: 'ada@example.com', plan: 'free' } }, '&name=monthly-report');
  await start('keyed', 'ship', { order: 7 }, '', { 'Idempotency-Key': 'order-7' });
});

after(async () => {
  await engine?.close();
});

describe('finding executions', () => {
  it('finds executions by a field of their input, several fields all matching', async () => {
    assert.deepEqual(await found('input.user.email=ada@example.com'), sorted('ada', 'named'));
    assert.deepEqual(await found('input.user.email=ada@example.com&input.user.plan=pro'), sorted('ada'));
    assert.deepEqual(await found(`input.user.email=${encodeURIComponent('nobody@example.com')}`), []);
  });

  it('reads a value as JSON when it is a number, and as a string when quoted', async () => {
    assert.deepEqual(await found('input.amount=42'), sorted('ada'));
    assert.deepEqual(await found(`input.amount=${encodeURIComponent('"42"')}`), sorted('grace'));
  });

  it('finds executions by a field of their output, together with the workflow', async () => {
    assert.deepEqual(await found('output.shipped=true'), sorted('keyed'));
    assert.deepEqual(await found('workflow=echo&output.shipped=true'), []);
  });

  it('finds executions by name, by idempotency key and by start time', async () => {
    assert.deepEqual(await found('name=monthly-report'), sorted('named'));
    assert.deepEqual(await found('idempotencyKey=order-7'), sorted('keyed'));
    const all = await found('');
    assert.equal(all.length, 4);
    assert.deepEqual(await found(`startedAfter=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), []);
    assert.deepEqual(await found(`startedBefore=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), all);
  });

  it('refuses an unknown query parameter and a bad time, saying where', async () => {
    const unknown = await call('GET', '/v1/executions?user.email=a');
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /query\.user\.email: user\.email is not a known field/);
    const time = await call('GET', '/v1/executions?startedAfter=yesterday');
    assert.equal(time.status, 400);
    assert.match(time.body.error.message, /query\.startedAfter/);
    const tooDeep = await call('GET', `/v1/executions?input.${'a.'.repeat(9)}b=1`);
    assert.equal(tooDeep.status, 400);
  });

  it('documents the field filters in the OpenAPI document', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as any;
    const names = document.paths['/v1/executions'].get.parameters.map((p: { name: string }) => p.name);
    for (const name of ['input.<path>', 'output.<path>', 'startedAfter', 'startedBefore', 'name', 'idempotencyKey']) assert.ok(names.includes(name), name);
  });
  it('lists six executions started together in the CLI with their whole ids, which differ', async () => {
    const six = await Promise.all(Array.from({ length: 6 }, () => call('POST', '/v1/workflows/echo/executions', { six: true })));
    const ids = six.map((r) => r.body.executionId as string);
    assert.equal(new Set(ids.map((id) => id.slice(0, 8))).size, 1, 'their first 8 characters are the same');
    const project = mkdtempSync(join(tmpdir(), 'nightshift-ls-'));
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = engine.db.url;
    const out: string[] = [];
    try {
      assert.equal(await main(['executions', 'ls', '--workflow', 'echo', '--limit', '20', '--dir', project], { stdout: (t) => void out.push(t), stderr: () => {} }), 0);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
      rmSync(project, { recursive: true, force: true });
    }
    const listed = out.join('').split('\n').map((l) => l.split(/\s+/)[0]);
    for (const id of ids) assert.ok(listed.includes(id), `${id} is listed whole`);
  });

  it('answers a filter on a field with the GIN index on the input, among 20000 executions', async () => {
    await engine.db.sql`
      insert into nightshift.executions (id, workflow_name, version_id, name, status, input, root_id, started_at, stopped_at, updated_at)
      select g.id, e.workflow_name, e.version_id, 'bulk-' || n, 'SUCCEEDED', jsonb_build_object('user', jsonb_build_object('email', 'u' || n || '@example.com')), g.id, now(), now(), now()
      from generate_series(1, 20000) n, lateral (select gen_random_uuid() as id, n as m) g, (select * from nightshift.executions where kind = 'execution' limit 1) e`;
    await engine.db.sql`analyze nightshift.executions`;
    const plan = await engine.db.sql.unsafe(
      `explain select * from nightshift.executions where kind = 'execution' and input @> $1::jsonb order by started_at desc, id desc limit 51`,
      [engine.db.sql.json({ user: { email: 'u4321@example.com' } } as never)] as never,
    );
    assert.match(plan.map((r: any) => r['QUERY PLAN']).join('\n'), /executions_input_idx/);
    const started = performance.now();
    assert.equal((await found('input.user.email=u4321@example.com')).length, 1);
    assert.ok(performance.now() - started < 1000, 'answered at once');
  });
});
