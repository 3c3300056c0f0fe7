/**
 * Idempotency keys belong to the caller that sent them. Two callers (two API keys, two JWT subjects, a
 * key and an anonymous caller of a public workflow) sending the same Idempotency-Key get independent
 * executions, scheduled runs, lists and event starts; the second never sees the first's input (a card
 * number here) nor its output. The same caller sending its key again with the same input gets the same
 * answer; with another input, 409 IDEMPOTENCY_KEY_REUSED, which tells nothing of the first request.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { createApp, listen, type ListeningServer } from '../../src/api/index.ts';
import { createApiKey, createJwtVerifier } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

const card = '4242424242424242';
const otherCard = '5555555555554444';
const secret = 'a-test-secret-of-at-least-thirty-two-characters';

let engine: TestEngine;
let server: ListeningServer;
const keys: Record<string, string> = {};

interface Reply {
  status: number;
  text: string;
  body: any;
}

async function call(path: string, json: unknown, headers: Record<string, string>): Promise<Reply> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

const as = (name: string, key?: string) => ({ Authorization: `Bearer ${keys[name]}`, ...(key ? { 'Idempotency-Key': key } : {}) });

async function jwtFor(sub: string): Promise<string> {
  return new SignJWT({ sub, role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://issuer.test')
    .setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(secret));
}

/** The caller's answer holds nothing of the other caller's request. */
function revealsNothing(reply: Reply, ...secrets: string[]): void {
  for (const s of [card, ...secrets]) assert.ok(!reply.text.includes(s), `the answer ${reply.text} shows ${s}`);
}

before(async () => {
  engine = await createTestEngine();
  const echo = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } };
  await engine.deploy({ name: 'charge', auth: 'key', triggers: [{ http: {} }, { event: 'card.added' }], definition: echo }, 'charge');
  await engine.deploy({ name: 'members', auth: 'jwt', definition: echo }, 'members');
  await engine.deploy({ name: 'open', auth: 'public', definition: echo }, 'open');
  await engine.deploy({ name: 'quick', auth: 'key', mode: 'transient', definition: echo }, 'quick');
  await engine.deploy({ name: 'throttled', auth: 'key', flow: { concurrency: { limit: 1 } }, definition: echo }, 'throttled');
  for (const name of ['alice', 'bob']) {
    keys[name] = (await createApiKey(engine.deps, { name, role: 'authenticated', scopes: ['start:*'] })).key;
    keys[`${name}Admin`] = (await createApiKey(engine.deps, { name: `${name} admin`, role: 'authenticated', scopes: ['admin'] })).key;
  }
  const jwt = createJwtVerifier({ secret, issuer: 'https://issuer.test' });
  server = await listen(createApp({ ...engine.deps, auth: { jwt } }), { port: 0 });
});

after(async () => {
  await server?.close();
  await engine?.close();
});

describe('an Idempotency-Key on a start', () => {
  it("gives another caller an execution of its own, never the first caller's input or output", async () => {
    const first = await call('/v1/workflows/charge/executions?wait=5', { card }, as('alice', 'order-1'));
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body.output, { card });
    for (const path of ['/v1/workflows/charge/executions', '/v1/workflows/charge/executions?wait=5']) {
      const second = await call(path, { card: otherCard }, as('bob', 'order-1'));
      assert.ok([200, 201].includes(second.status), second.text);
      assert.notEqual(second.body.executionId, first.body.executionId);
      assert.deepEqual(second.body.input, { card: otherCard });
      revealsNothing(second, first.body.executionId);
    }
  });

  it('answers the same execution to the same caller with the same input, and 409 IDEMPOTENCY_KEY_REUSED with another', async () => {
    const first = await call('/v1/workflows/charge/executions', { card }, as('alice', 'order-2'));
    assert.equal(first.status, 201, first.text);
    const again = await call('/v1/workflows/charge/executions', { card }, as('alice', 'order-2'));
    assert.equal(again.status, 200);
    assert.equal(again.body.executionId, first.body.executionId);
    const reused = await call('/v1/workflows/charge/executions?wait=5', { card: otherCard }, as('alice', 'order-2'));
    assert.equal(reused.status, 409, reused.text);
    assert.equal(reused.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
    revealsNothing(reused, first.body.executionId);
    const [{ n }] = await engine.db.sql`select count(*)::int as n from nightshift.executions where idempotency_key = 'order-2'`;
    assert.equal(n, 1);
  });

  it('keeps JWT subjects apart, and an anonymous caller of a public workflow apart from a key', async () => {
    const alice = { Authorization: `Bearer ${await jwtFor('alice')}`, 'Idempotency-Key': 'jwt-1' };
    const bob = { Authorization: `Bearer ${await jwtFor('bob')}`, 'Idempotency-Key': 'jwt-1' };
    const first = await call('/v1/workflows/members/executions?wait=5', { card }, alice);
    assert.equal(first.status, 200, first.text);
    const second = await call('/v1/workflows/members/executions?wait=5', { card: otherCard }, bob);
    assert.notEqual(second.body.executionId, first.body.executionId);
    revealsNothing(second, first.body.executionId);
    const repeat = await call('/v1/workflows/members/executions', { card }, { ...alice, Authorization: `Bearer ${await jwtFor('alice')}` });
    assert.equal(repeat.body.executionId, first.body.executionId, 'a new token of the same subject is the same caller');

    const keyed = await call('/v1/workflows/open/executions?wait=5', { card }, as('alice', 'open-1'));
    const anonymous = await call('/v1/workflows/open/executions?wait=5', { card: otherCard }, { 'Idempotency-Key': 'open-1' });
    assert.ok([200, 201].includes(anonymous.status), anonymous.text);
    assert.notEqual(anonymous.body.executionId, keyed.body.executionId);
    revealsNothing(anonymous, keyed.body.executionId);
  });

  it('keeps callers apart while a flow-controlled start is held', async () => {
    const first = await call('/v1/workflows/throttled/executions', { card }, as('alice', 'held-1'));
    const second = await call('/v1/workflows/throttled/executions', { card: otherCard }, as('bob', 'held-1'));
    assert.notEqual(second.body.executionId, first.body.executionId);
    revealsNothing(second, first.body.executionId);
    const reused = await call('/v1/workflows/throttled/executions', { card: otherCard }, as('alice', 'held-1'));
    assert.equal(reused.body.error?.code, 'IDEMPOTENCY_KEY_REUSED', reused.text);
    const again = await call('/v1/workflows/throttled/executions', { card }, as('alice', 'held-1'));
    assert.equal(again.body.executionId, first.body.executionId);
  });

  it('keeps callers apart on a transient workflow, whose row is written when it ends', async () => {
    const first = await call('/v1/workflows/quick/executions?wait=5', { card }, as('alice', 'fast-1'));
    assert.deepEqual([first.status, first.body.status], [200, 'SUCCEEDED'], first.text);
    const [row] = await engine.db.sql`select caller_scope from nightshift.executions where id = ${first.body.executionId}`;
    assert.match(row.caller_scope, /^key:/);
    const again = await call('/v1/workflows/quick/executions', { card }, as('alice', 'fast-1'));
    assert.equal(again.body.executionId, first.body.executionId);
    const other = await call('/v1/workflows/quick/executions?wait=5', { card: otherCard }, as('bob', 'fast-1'));
    assert.notEqual(other.body.executionId, first.body.executionId);
    revealsNothing(other, first.body.executionId);
  });

  it("refuses another caller's execution name with CONFLICT, showing nothing of it", async () => {
    const first = await call('/v1/workflows/charge/executions?name=invoice-9', { card }, as('alice'));
    assert.equal(first.status, 201, first.text);
    const taken = await call('/v1/workflows/charge/executions?name=invoice-9&wait=5', { card: otherCard }, as('bob'));
    assert.equal(taken.status, 409, taken.text);
    assert.equal(taken.body.error.code, 'CONFLICT');
    revealsNothing(taken, first.body.executionId);
    const mine = await call('/v1/workflows/charge/executions?name=invoice-9', { card }, as('alice'));
    assert.equal(mine.body.executionId, first.body.executionId);
  });
});

describe('the OpenAPI document', () => {
  it('lists IDEMPOTENCY_KEY_REUSED on every route that takes an Idempotency-Key, and ROLE_NOT_ALLOWED on guarded routes', async () => {
    const document = await (await fetch(`${server.url}/openapi.json`)).json() as { paths: Record<string, Record<string, any>> };
    for (const [path, method] of [['/v1/workflows/{name}/executions', 'post'], ['/v1/workflows/{name}/schedule', 'post'], ['/v1/events/{name}', 'post']]) {
      const operation = document.paths[path][method];
      assert.ok(operation.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key'), `${path} takes the header`);
      assert.match(operation.responses['409'].description, /IDEMPOTENCY_KEY_REUSED/, path);
      assert.match(operation.responses['403'].description, /ROLE_NOT_ALLOWED/, path);
    }
  });
});

describe('an Idempotency-Key on a scheduled run, a list and an event', () => {
  it('schedules an independent run for another caller and refuses a reuse with another input', async () => {
    const first = await call('/v1/workflows/charge/schedule', { input: { card }, delaySeconds: 3600 }, as('alice', 'later-1'));
    assert.equal(first.status, 201, first.text);
    const second = await call('/v1/workflows/charge/schedule', { input: { card: otherCard }, delaySeconds: 3600 }, as('bob', 'later-1'));
    assert.equal(second.status, 201, second.text);
    assert.notEqual(second.body.scheduledRunId, first.body.scheduledRunId);
    revealsNothing(second, first.body.scheduledRunId);
    const again = await call('/v1/workflows/charge/schedule', { input: { card }, delaySeconds: 3600 }, as('alice', 'later-1'));
    assert.deepEqual([again.status, again.body.scheduledRunId], [200, first.body.scheduledRunId]);
    const reused = await call('/v1/workflows/charge/schedule', { input: { card: otherCard }, delaySeconds: 3600 }, as('alice', 'later-1'));
    assert.equal(reused.status, 409, reused.text);
    assert.equal(reused.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
    revealsNothing(reused, first.body.scheduledRunId);
  });

  it('schedules an independent list for another caller and refuses a reuse with other items', async () => {
    const list = (c: string) => ({ items: [{ card: c }, { card: c }], startAt: '2100-01-01T00:00:00Z', intervalSeconds: 60 });
    const first = await call('/v1/workflows/charge/schedule', list(card), as('alice', 'list-1'));
    assert.equal(first.status, 201, first.text);
    const second = await call('/v1/workflows/charge/schedule', list(otherCard), as('bob', 'list-1'));
    assert.equal(second.status, 201, second.text);
    assert.notEqual(second.body.batchId, first.body.batchId);
    revealsNothing(second, first.body.batchId);
    const again = await call('/v1/workflows/charge/schedule', list(card), as('alice', 'list-1'));
    assert.deepEqual([again.status, again.body.batchId], [200, first.body.batchId]);
    const reused = await call('/v1/workflows/charge/schedule', list(otherCard), as('alice', 'list-1'));
    assert.equal(reused.status, 409, reused.text);
    assert.equal(reused.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
    revealsNothing(reused, first.body.batchId);
  });

  it('starts independent executions for another publisher and refuses a reuse with another payload', async () => {
    const first = await call('/v1/events/card.added', { card }, as('aliceAdmin', 'event-1'));
    assert.equal(first.status, 202, first.text);
    const [started] = first.body.executions;
    const second = await call('/v1/events/card.added', { card: otherCard }, as('bobAdmin', 'event-1'));
    assert.equal(second.status, 202, second.text);
    assert.notEqual(second.body.executions[0].executionId, started.executionId);
    revealsNothing(second, started.executionId);
    const again = await call('/v1/events/card.added', { card }, as('aliceAdmin', 'event-1'));
    assert.equal(again.body.executions[0].executionId, started.executionId);
    const reused = await call('/v1/events/card.added', { card: otherCard }, as('aliceAdmin', 'event-1'));
    assert.equal(reused.status, 409, reused.text);
    assert.equal(reused.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
    revealsNothing(reused, started.executionId);
  });
});
