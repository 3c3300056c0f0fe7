import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, listen, type ApiDeps } from '../../src/api/index.ts';
import { loadWorkflow } from '../../src/asl/index.ts';
import { createApiKey, deployWorkflow, waitForExecution } from '../../src/service/index.ts';
import type { Logger } from '../../src/shared/index.ts';
import { createReadiness, type ReadinessProbe } from '../../src/boot/index.ts';
import { connect, type Sql } from '../../src/store/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

interface Server {
  url: string;
  close(): Promise<void>;
}

let engine: TestEngine;
let server: Server;
let readiness: ReadinessProbe | undefined;
let brokenReadiness: ReadinessProbe | undefined;
let broken: Server;
let failing: Server;
const logged: Array<{ fields: Record<string, unknown>; message: string }> = [];
const brokenPool = { message: '' };
const failingPool = { message: '' };
let wrongDatabase: Sql | undefined;
const tokens: string[] = [];
/** An admin key: every call below presents it (test/integration/auth.test.ts covers calls without one). */
let adminKey = '';

function recordingLogger(): Logger {
  const record = (fields: Record<string, unknown>, message: string) => void logged.push({ fields, message });
  return { debug: record, info: record, warn: record, error: record };
}

async function call(target: Server, method: string, path: string, options: { body?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const body = options.json === undefined ? options.body : JSON.stringify(options.json);
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...options.headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

const api = (method: string, path: string, options?: Parameters<typeof call>[3]) => call(server, method, path, options);

async function nextToken(count: number): Promise<string> {
  for (let i = 0; i < 500 && tokens.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(tokens.length, count, 'the waiting task handed out its token');
  return tokens[count - 1];
}

before(async () => {
  engine = await createTestEngine();
  adminKey = (await createApiKey(engine.deps, { name: 'api test', role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true })).key;
  engine.registry.register('test:context', (_input, context) => {
    if (context.taskToken) tokens.push(context.taskToken);
    return null;
  });
  await engine.deploy({ StartAt: 'Hello', States: { Hello: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hi {}', $.who)" }, End: true } } }, 'quick');
  await engine.deploy({ StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 3600, End: true } } }, 'sleepy');
  await engine.deploy(
    { StartAt: 'Approve', States: { Approve: { Type: 'Task', Resource: 'test:context.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, End: true } } },
    'approval',
  );
  const wrapper = {
    name: 'signup',
    parameters: { type: 'object', required: ['email'], properties: { email: { type: 'string' } } },
    definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } },
  };
  const { workflow, problems } = loadWorkflow(JSON.stringify(wrapper), 'signup.json');
  assert.ok(workflow, JSON.stringify(problems));
  await deployWorkflow(engine.deps, workflow);

  readiness = createReadiness(engine.db.sql);
  const deps: ApiDeps = { ...engine.deps, version: '1.2.3', logger: recordingLogger(), readiness: () => readiness.check() };
  server = await listen(createApp(deps), { port: 0 });

  // A pool that was closed: every query fails with the driver's own error text.
  const closed = connect(engine.db.url);
  await closed.end();
  await closed`select 1`.catch((error: Error) => (brokenPool.message = error.message));
  brokenReadiness = createReadiness(closed);
  const brokenDeps: ApiDeps = { ...engine.deps, sql: closed, logger: recordingLogger(), readiness: () => brokenReadiness.check() };
  broken = await listen(createApp(brokenDeps), { port: 0 });

  // A pool to a database that does not exist: the server answers, and refuses (3D000), which is no outage.
  const missing = new URL(engine.db.url);
  missing.pathname = '/nightshift_no_such_database';
  wrongDatabase = connect(missing.toString(), { max: 1 });
  await wrongDatabase`select 1`.catch((error: Error) => (failingPool.message = error.message));
  failing = await listen(createApp({ ...engine.deps, sql: wrongDatabase, logger: recordingLogger() }), { port: 0 });
});

after(async () => {
  await readiness?.stop();
  await brokenReadiness?.stop();
  await server?.close();
  await broken?.close();
  await failing?.close();
  await wrongDatabase?.end({ timeout: 1 });
  await engine?.close();
});

describe('the HTTP API', () => {
  it('listens on a free loopback port when given port 0', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(server.url, 'http://127.0.0.1:0');
  });

  it('answers /healthz with ok and the version, without asking the database', async () => {
    const reply = await api('GET', '/healthz');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { status: 'ok', version: '1.2.3' });
    assert.equal((await call(broken, 'GET', '/healthz')).status, 200);
  });

  it('answers /readyz with every check passed when the database, the schema and the listener work', async () => {
    const reply = await api('GET', '/readyz');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { status: 'ready', checks: { database: { ok: true }, schema: { ok: true }, listener: { ok: true } } });
  });

  it('answers /readyz with 503 UNAVAILABLE naming the failing checks when the database does not answer', async () => {
    const reply = await call(broken, 'GET', '/readyz');
    assert.equal(reply.status, 503);
    assert.equal(reply.body.error.code, 'UNAVAILABLE');
    assert.match(reply.body.error.message, /^Not ready: database \(.+\); schema \(.+\); listener \(.+\)$/);
    assert.equal(reply.body.error.details.checks.database.ok, false);
  });

  it('lists the workflows and describes one', async () => {
    const list = await api('GET', '/v1/workflows');
    assert.equal(list.status, 200);
    const names = list.body.items.map((w: { name: string }) => w.name).sort();
    assert.deepEqual(names, ['approval', 'quick', 'signup', 'sleepy']);
    const one = await api('GET', '/v1/workflows/signup');
    assert.equal(one.status, 200);
    assert.equal(one.body.name, 'signup');
    assert.equal(one.body.definition.StartAt, 'Done');
    assert.deepEqual(one.body.metadata.parameters.required, ['email']);
  });

  it('answers 404 WORKFLOW_NOT_FOUND for a workflow that does not exist, to describe or to start', async () => {
    const describeReply = await api('GET', '/v1/workflows/nope');
    assert.equal(describeReply.status, 404);
    assert.equal(describeReply.body.error.code, 'WORKFLOW_NOT_FOUND');
    const startReply = await api('POST', '/v1/workflows/nope/executions', { json: {} });
    assert.equal(startReply.status, 404);
    assert.equal(startReply.body.error.code, 'WORKFLOW_NOT_FOUND');
  });

  it('starts an execution with 201, its view and a Location, and describes it', async () => {
    const started = await api('POST', '/v1/workflows/quick/executions', { json: { who: 'Ada' } });
    assert.equal(started.status, 201);
    assert.equal(started.body.workflow, 'quick');
    assert.deepEqual(started.body.input, { who: 'Ada' });
    assert.equal(started.body.created, undefined, 'the status tells whether it was created');
    assert.equal(started.headers.get('location'), `/v1/executions/${started.body.executionId}`);
    await waitForExecution(engine.deps, started.body.executionId, 10_000);
    const described = await api('GET', `/v1/executions/${started.body.executionId}`);
    assert.equal(described.status, 200);
    assert.equal(described.body.status, 'SUCCEEDED');
    assert.deepEqual(described.body.output, { greeting: 'hi Ada' });
  });

  it('reads an empty body as the input {}', async () => {
    const started = await api('POST', '/v1/workflows/sleepy/executions');
    assert.equal(started.status, 201);
    assert.deepEqual(started.body.input, {});
    assert.equal((await api('POST', `/v1/executions/${started.body.executionId}/stop`)).status, 200);
  });

  it('returns the same execution for a repeated Idempotency-Key and input: 201, then 200; another input is 409', async () => {
    const headers = { 'Idempotency-Key': 'order-42' };
    const first = await api('POST', '/v1/workflows/quick/executions', { json: { who: 'a' }, headers });
    const second = await api('POST', '/v1/workflows/quick/executions', { json: { who: 'a' }, headers });
    assert.deepEqual([first.status, second.status], [201, 200]);
    assert.equal(second.body.executionId, first.body.executionId);
    const other = await api('POST', '/v1/workflows/quick/executions', { json: { who: 'b' }, headers });
    assert.deepEqual([other.status, other.body.error.code], [409, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('returns the same execution for a repeated execution name: 201, then 200', async () => {
    const first = await api('POST', '/v1/workflows/quick/executions?name=invoice-7', { json: { who: 'a' } });
    const second = await api('POST', '/v1/workflows/quick/executions?name=invoice-7', { json: { who: 'b' } });
    assert.deepEqual([first.status, second.status], [201, 200]);
    assert.equal(first.body.name, 'invoice-7');
    assert.equal(second.body.executionId, first.body.executionId);
  });

  it('answers ?wait=5 with 200 and the output when the execution ends in time', async () => {
    const reply = await api('POST', '/v1/workflows/quick/executions?wait=5', { json: { who: 'Grace' } });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.status, 'SUCCEEDED');
    assert.deepEqual(reply.body.output, { greeting: 'hi Grace' });
  });

  it('answers ?wait=1 with 202 and the RUNNING execution when it does not end in time', async () => {
    const started = Date.now();
    const reply = await api('POST', '/v1/workflows/sleepy/executions?wait=1', { json: {} });
    assert.equal(reply.status, 202);
    assert.equal(reply.body.status, 'RUNNING');
    assert.ok(Date.now() - started >= 900, 'it waited about a second');
    await api('POST', `/v1/executions/${reply.body.executionId}/stop`);
  });

  it('refuses a wait over 60 seconds and a bad execution name with 400 INPUT_INVALID naming the field', async () => {
    const reply = await api('POST', '/v1/workflows/quick/executions?wait=61&name=', { json: {} });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.error.code, 'INPUT_INVALID');
    assert.deepEqual(reply.body.error.details.problems.map((p: { path: string }) => p.path).sort(), ['query.name', 'query.wait']);
  });

  it('refuses input that fails the workflow parameters with 400 INPUT_INVALID naming the field', async () => {
    const missing = await api('POST', '/v1/workflows/signup/executions', { json: { name: 'Ada' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'INPUT_INVALID');
    assert.match(JSON.stringify(missing.body.error.details.problems), /email/);
    const wrongType = await api('POST', '/v1/workflows/signup/executions', { json: { email: 5 } });
    assert.equal(wrongType.status, 400);
    assert.match(JSON.stringify(wrongType.body.error.details.problems), /email/);
    const good = await api('POST', '/v1/workflows/signup/executions?wait=5', { json: { email: 'ada@example.com' } });
    assert.equal(good.status, 200);
    assert.equal(good.body.status, 'SUCCEEDED');
  });

  it('refuses malformed JSON with 400 INPUT_INVALID saying so', async () => {
    const reply = await api('POST', '/v1/workflows/quick/executions', { body: '{"who": ' });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.error.code, 'INPUT_INVALID');
    assert.match(reply.body.error.message, /not valid JSON/);
  });

  it('refuses a body over 1 MiB with 413 REQUEST_TOO_LARGE', async () => {
    const reply = await api('POST', '/v1/workflows/quick/executions', { json: { blob: 'x'.repeat(1024 * 1024 + 10) } });
    assert.equal(reply.status, 413);
    assert.equal(reply.body.error.code, 'REQUEST_TOO_LARGE');
    assert.equal(reply.headers.get('connection'), 'close', 'the unread rest of the body makes the connection unusable');
  });

  it('refuses a streamed body over 1 MiB without a Content-Length with 413 REQUEST_TOO_LARGE', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${server.url}/v1/workflows/quick/executions`, { method: 'POST', body, duplex: 'half', headers: { Authorization: `Bearer ${adminKey}` } } as RequestInit);
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'REQUEST_TOO_LARGE');
  });

  it('lists executions a page at a time, filtered by workflow and status', async () => {
    const first = await api('GET', '/v1/executions?workflow=quick&status=SUCCEEDED&limit=1');
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 1);
    assert.equal(first.body.items[0].workflow, 'quick');
    assert.equal(typeof first.body.nextCursor, 'string');
    const second = await api('GET', `/v1/executions?workflow=quick&status=SUCCEEDED&limit=1&cursor=${first.body.nextCursor}`);
    assert.equal(second.status, 200);
    assert.equal(second.body.items.length, 1);
    assert.notEqual(second.body.items[0].executionId, first.body.items[0].executionId);
    const bad = await api('GET', '/v1/executions?status=DONE&limit=0');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.problems.map((p: { path: string }) => p.path).sort(), ['query.limit', 'query.status']);
  });

  it('returns the history of an execution, limited on request', async () => {
    const done = await api('POST', '/v1/workflows/quick/executions?wait=5', { json: { who: 'h' } });
    const history = await api('GET', `/v1/executions/${done.body.executionId}/history`);
    assert.equal(history.status, 200);
    assert.ok(history.body.items.length >= 2);
    assert.ok(history.body.items.every((e: { executionId: string }) => e.executionId === done.body.executionId));
    const limited = await api('GET', `/v1/executions/${done.body.executionId}/history?limit=1`);
    assert.equal(limited.body.items.length, 1);
  });

  it('answers 404 EXECUTION_NOT_FOUND for an execution that does not exist', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      for (const path of [`/v1/executions/${id}`, `/v1/executions/${id}/history`]) {
        const reply = await api('GET', path);
        assert.equal(reply.status, 404, path);
        assert.equal(reply.body.error.code, 'EXECUTION_NOT_FOUND');
      }
    }
  });

  it('stops a running execution with a reason, refuses to stop it again with 409, and redrives it', async () => {
    const started = await api('POST', '/v1/workflows/sleepy/executions', { json: {} });
    const id = started.body.executionId;
    const stopped = await api('POST', `/v1/executions/${id}/stop`, { json: { error: 'Ops.Cancelled', cause: 'customer left' } });
    assert.equal(stopped.status, 200);
    assert.deepEqual([stopped.body.status, stopped.body.error, stopped.body.cause], ['ABORTED', 'Ops.Cancelled', 'customer left']);
    const again = await api('POST', `/v1/executions/${id}/stop`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'EXECUTION_NOT_RUNNING');
    const redriven = await api('POST', `/v1/executions/${id}/redrive`);
    assert.equal(redriven.status, 200);
    assert.equal(redriven.body.executionId, id);
    assert.deepEqual([redriven.body.status, redriven.body.redriveCount], ['RUNNING', 1]);
    assert.equal((await api('POST', `/v1/executions/${id}/stop`)).status, 200);
  });

  it('refuses to stop a finished execution (409) or to redrive a successful one (409 CONFLICT)', async () => {
    const done = await api('POST', '/v1/workflows/quick/executions?wait=5', { json: { who: 'x' } });
    assert.equal(done.body.status, 'SUCCEEDED');
    const stop = await api('POST', `/v1/executions/${done.body.executionId}/stop`);
    assert.equal(stop.status, 409);
    assert.equal(stop.body.error.code, 'EXECUTION_NOT_RUNNING');
    const redrive = await api('POST', `/v1/executions/${done.body.executionId}/redrive`);
    assert.equal(redrive.status, 409);
    assert.equal(redrive.body.error.code, 'CONFLICT');
  });

  it('ends a .waitForTaskToken execution with the output sent to its token; a reused token is 409, a forged one 404', async () => {
    const count = tokens.length + 1;
    const started = await api('POST', '/v1/workflows/approval/executions', { json: {} });
    const token = await nextToken(count);
    const heartbeat = await api('POST', `/v1/task-tokens/${token}/heartbeat`);
    assert.equal(heartbeat.status, 200);
    assert.equal(heartbeat.body.executionId, started.body.executionId);
    const success = await api('POST', `/v1/task-tokens/${token}/success`, { json: { output: { approved: true } } });
    assert.equal(success.status, 200);
    assert.deepEqual(success.body, { executionId: started.body.executionId });
    const end = await waitForExecution(engine.deps, started.body.executionId, 10_000);
    assert.deepEqual([end.status, end.output], ['SUCCEEDED', { approved: true }]);
    const reused = await api('POST', `/v1/task-tokens/${token}/success`, { json: { output: {} } });
    assert.equal(reused.status, 409);
    assert.equal(reused.body.error.code, 'TASK_TOKEN_USED');
    const forged = await api('POST', '/v1/task-tokens/forged-token/success', { json: { output: {} } });
    assert.equal(forged.status, 404);
    assert.equal(forged.body.error.code, 'TASK_TOKEN_NOT_FOUND');
  });

  it('fails a .waitForTaskToken execution with the error sent to its token, and requires an output for success', async () => {
    const count = tokens.length + 1;
    const started = await api('POST', '/v1/workflows/approval/executions', { json: {} });
    const token = await nextToken(count);
    const noOutput = await api('POST', `/v1/task-tokens/${token}/success`, { json: {} });
    assert.equal(noOutput.status, 400);
    assert.deepEqual(noOutput.body.error.details.problems.map((p: { path: string }) => p.path), ['body.output']);
    const failure = await api('POST', `/v1/task-tokens/${token}/failure`, { json: { error: 'Approval.Denied', cause: 'no budget' } });
    assert.equal(failure.status, 200);
    const end = await waitForExecution(engine.deps, started.body.executionId, 10_000);
    assert.deepEqual([end.status, end.error, end.cause], ['FAILED', 'Approval.Denied', 'no budget']);
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    for (const [method, path] of [['GET', '/v2/nothing'], ['PUT', '/v1/workflows/quick']]) {
      const reply = await api(method, path);
      assert.equal(reply.status, 404);
      assert.equal(reply.body.error.code, 'ROUTE_NOT_FOUND');
    }
  });

  it('serves an OpenAPI 3.1 document with an operation for every route the app registered', async () => {
    const reply = await api('GET', '/openapi.json');
    assert.equal(reply.status, 200);
    const document = reply.body;
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.info.version, '1.2.3');
    const app = createApp({ ...engine.deps });
    const registered = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    assert.ok(new Set(registered).size >= 14, 'every route of the core API is registered');
    for (const route of registered) {
      const [method, path] = route.split(' ');
      const operation = document.paths[path]?.[method];
      assert.ok(operation, `${route} is documented`);
      assert.ok(operation.responses['500'], `${route} documents its 500`);
    }
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    assert.deepEqual(documented.sort(), [...registered].sort());
    const start = document.paths['/v1/workflows/{name}/executions'].post;
    assert.deepEqual(start.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`), ['path:name', 'query:name', 'query:wait', 'header:Idempotency-Key', 'header:traceparent']);
    assert.ok(start.responses['202'] && start.responses['404'] && start.responses['413']);
    assert.ok(document.components.schemas.Error.properties.error.properties.code.enum.includes('ROUTE_NOT_FOUND'));
    assert.equal(document.components.schemas.ExecutionPage.properties.items.items.$ref, '#/components/schemas/Execution');
  });

  it('serves Prometheus metrics with the request counter by method, route pattern and status', async () => {
    await api('GET', '/healthz');
    const reply = await api('GET', '/metrics');
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(reply.text, /nightshift_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    assert.match(reply.text, /nightshift_http_requests_total\{method="GET",route="\/v1\/executions\/:id",status="404"\} \d+/);
    assert.match(reply.text, /nightshift_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz",status="200"\}/);
    assert.match(reply.text, /process_cpu_user_seconds_total/);
  });

  it('answers an unexpected error with 500 INTERNAL, never the raw error text, and logs the error', async () => {
    assert.ok(failingPool.message.length > 0, 'the pool fails with a message of its own');
    const before = logged.length;
    const reply = await call(failing, 'GET', '/v1/workflows');
    assert.equal(reply.status, 500);
    assert.equal(reply.body.error.code, 'INTERNAL');
    assert.ok(!reply.text.includes(failingPool.message), 'the driver message stays on the server');
    assert.doesNotMatch(reply.text, /nightshift_no_such_database|at .*\.ts:\d+/);
    const entry = logged.slice(before).find((l) => l.fields.err instanceof Error);
    assert.ok(entry, 'the error was logged');
    assert.equal((entry.fields.err as Error).message, failingPool.message);
  });

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After when the database cannot be reached, naming no host', async () => {
    assert.ok(brokenPool.message.length > 0, 'the closed pool fails with a message of its own');
    for (const [method, path] of [['GET', '/v1/workflows'], ['POST', '/v1/workflows/greet/executions'], ['GET', '/v1/executions']] as const) {
      const reply = await call(broken, method, path, method === 'POST' ? { json: {} } : {});
      assert.equal(reply.status, 503, `${method} ${path}: ${reply.text}`);
      assert.equal(reply.body.error.code, 'DATABASE_UNAVAILABLE');
      assert.equal(reply.headers.get('retry-after'), '2');
      assert.ok(!reply.text.includes(brokenPool.message), 'the driver message stays on the server');
      assert.doesNotMatch(reply.text, /127\.0\.0\.1|CONNECTION_/);
    }
  });
});
