import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, listen, type ListeningServer } from '../../src/api/index.ts';
import { loadWorkflow } from '../../src/asl/index.ts';
import { createApiKey, deployWorkflow, publishEvent, waitForExecution } from '../../src/service/index.ts';
import { EngineError } from '../../src/shared/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
let server: ListeningServer;
let adminKey: string;

const echo = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } };

async function deploy(wrapper: Record<string, unknown>): Promise<void> {
  const { workflow, problems } = loadWorkflow(JSON.stringify(wrapper), `${String(wrapper.name)}.json`);
  assert.ok(workflow, JSON.stringify(problems));
  await deployWorkflow(engine.deps, workflow);
}

async function post(path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json', ...options.headers },
    body: options.body,
  });
  return { status: response.status, body: await response.json() };
}

before(async () => {
  engine = await createTestEngine();
  await deploy({ name: 'welcome', triggers: [{ event: 'user.signed_up' }, { http: {} }], definition: echo });
  await deploy({ name: 'crm-sync', triggers: [{ event: 'user.signed_up' }], definition: echo });
  await deploy({ name: 'invoice', triggers: [{ event: 'order.paid' }], definition: echo });
  await deploy({
    name: 'strict-receiver',
    triggers: [{ event: 'strict.thing' }],
    parameters: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
    definition: echo,
  });
  await deploy({ name: 'lenient-receiver', triggers: [{ event: 'strict.thing' }], definition: echo });
  // A workflow that used to subscribe and no longer does: only its current version counts.
  await deploy({ name: 'former', triggers: [{ event: 'user.signed_up' }], definition: echo });
  await deploy({ name: 'former', triggers: [], definition: echo });
  adminKey = (await createApiKey(engine.deps, { name: 'events test', role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true })).key;
  server = await listen(createApp({ ...engine.deps }), { port: 0 });
});

after(async () => {
  await server?.close();
  await engine?.close();
});

describe('events', () => {
  it('starts every workflow whose current version subscribes, once each, with the payload as input', async () => {
    const started = await publishEvent(engine.deps, 'user.signed_up', { userId: 7 });
    assert.deepEqual(started.map((e) => e.workflow), ['crm-sync', 'welcome']);
    assert.ok(started.every((e) => e.created));
    for (const execution of started) {
      const done = await waitForExecution(engine.deps, execution.executionId, 10_000);
      assert.equal(done.status, 'SUCCEEDED');
      assert.deepEqual(done.output, { userId: 7 });
    }
  });

  it('starts nothing when nobody subscribes', async () => {
    assert.deepEqual(await publishEvent(engine.deps, 'nobody.listens', { any: 'thing' }), []);
  });

  it('honours an idempotency key: publishing again starts nothing new', async () => {
    const first = await publishEvent(engine.deps, 'order.paid', { order: 1 }, { idempotencyKey: 'order-1-paid' });
    const again = await publishEvent(engine.deps, 'order.paid', { order: 1 }, { idempotencyKey: 'order-1-paid' });
    assert.equal(first.length, 1);
    assert.deepEqual([first[0].created, again[0].created], [true, false]);
    assert.equal(again[0].executionId, first[0].executionId);
    const other = await publishEvent(engine.deps, 'order.paid', { order: 2 }, { idempotencyKey: 'order-2-paid' });
    assert.notEqual(other[0].executionId, first[0].executionId);
  });

  it('starts none when the payload does not match one subscriber\'s parameters', async () => {
    const refused = await publishEvent(engine.deps, 'strict.thing', { id: 'not a number' }).then(() => null, (e: unknown) => e);
    assert.ok(refused instanceof EngineError);
    assert.equal(refused.code, 'INPUT_INVALID');
    assert.match(refused.message, /strict-receiver/);
    const [{ count }] = await engine.db.sql<{ count: number }[]>`
      select count(*)::int as count from nightshift.executions where workflow_name in ('strict-receiver', 'lenient-receiver')`;
    assert.equal(count, 0);
  });

  it('refuses an event name that cannot be one', async () => {
    const refused = await publishEvent(engine.deps, 'bad name!', {}).then(() => null, (e: unknown) => e);
    assert.ok(refused instanceof EngineError);
    assert.equal(refused.code, 'INPUT_INVALID');
  });
});

describe('POST /v1/events/{name}', () => {
  it('answers 202 with the executions it started', async () => {
    const reply = await post('/v1/events/user.signed_up', { body: JSON.stringify({ userId: 8 }) });
    assert.equal(reply.status, 202);
    assert.deepEqual(reply.body.executions.map((e: { workflow: string }) => e.workflow), ['crm-sync', 'welcome']);
    assert.deepEqual(reply.body.executions[0].input, { userId: 8 });
    const [{ identity }] = await engine.db.sql<{ identity: { role: string } }[]>`
      select identity from nightshift.executions where id = ${reply.body.executions[0].executionId}`;
    assert.equal(identity.role, 'postgres', 'the executions act as the caller');
  });

  it('answers 202 with no executions when nobody subscribes, and takes an empty body as {}', async () => {
    const reply = await post('/v1/events/nobody.listens');
    assert.equal(reply.status, 202);
    assert.deepEqual(reply.body, { executions: [] });
  });

  it('honours the Idempotency-Key header', async () => {
    const headers = { 'Idempotency-Key': 'paid-3' };
    const first = await post('/v1/events/order.paid', { body: '{"order": 3}', headers });
    const again = await post('/v1/events/order.paid', { body: '{"order": 3}', headers });
    assert.deepEqual([first.status, again.status], [202, 202]);
    assert.equal(again.body.executions[0].executionId, first.body.executions[0].executionId);
  });

  it('answers 400 INPUT_INVALID on a body that is not JSON or a payload a subscriber refuses', async () => {
    const broken = await post('/v1/events/user.signed_up', { body: '{"userId": ' });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'INPUT_INVALID');
    const refused = await post('/v1/events/strict.thing', { body: '{"id": "seven"}' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'INPUT_INVALID');
    assert.match(refused.body.error.message, /strict-receiver/);
  });

  it('answers 401 without credentials', async () => {
    const reply = await post('/v1/events/user.signed_up', { body: '{}', headers: { Authorization: '' } });
    assert.equal(reply.status, 401);
  });
});
