/** nightshift/client against a real server, and its generated types against the live /openapi.json. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createApp, listen, type ListeningServer } from '../../src/api/index.ts';
import { createClient, NightshiftApiError, type NightshiftClient } from '../../src/client/index.ts';
import { createApiKey } from '../../src/service/index.ts';
import { clientTypes, clientTypesFile } from '../../scripts/client-types.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

type Workflows = { double: { n: number }; wait: Record<string, never> };

let engine: TestEngine;
let server: ListeningServer;
let client: NightshiftClient<Workflows>;
before(async () => {
  engine = await createTestEngine();
  await engine.deploy({ StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, $.n)' }, End: true } } }, 'double');
  await engine.deploy({ StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: 'activity:approve', End: true } } }, 'wait');
  const { key } = await createApiKey(engine.deps, { name: 'client test', role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true });
  server = await listen(createApp({ ...engine.deps, dashboardDir: null }), { port: 0 });
  client = createClient<Workflows>({ baseUrl: server.url, apiKey: key });
});
after(async () => {
  await server?.close();
  await engine?.close();
});

describe('nightshift/client', () => {
  it('has types generated from the live /openapi.json (run `npm run generate:client` when this fails)', async () => {
    assert.equal(await readFile(clientTypesFile, 'utf8'), await clientTypes());
  });

  it('starts an execution and waits for it, then describes, lists and reads its history', async () => {
    const done = await client.start('double', { n: 21 }, { wait: 10, idempotencyKey: 'client-1' });
    assert.deepEqual([done.status, done.output], ['SUCCEEDED', { n: 42 }]);
    assert.equal((await client.describeExecution(done.executionId)).status, 'SUCCEEDED');
    assert.equal((await client.start('double', { n: 21 }, { idempotencyKey: 'client-1' })).executionId, done.executionId);
    const page = await client.listExecutions({ workflow: 'double' });
    assert.deepEqual(page.items.map((e) => e.executionId), [done.executionId]);
    const history = await client.executionHistory(done.executionId);
    assert.ok(JSON.stringify(history).includes('ExecutionSucceeded'));
  });

  it('schedules one run and a list, lists them in the Scheduler and cancels one', async () => {
    const one = await client.schedule('double', { input: { n: 1 }, delaySeconds: 3600 });
    await client.schedule('double', { items: [{ n: 2 }, { n: 3 }], intervalSeconds: 60, startAt: new Date(Date.now() + 7_200_000).toISOString() });
    const listed = await client.listScheduled({ workflow: 'double' });
    assert.equal(listed.items.length, 3);
    const id = (one as { scheduledRunId: string }).scheduledRunId;
    assert.equal((await client.cancelScheduled(id)).status, 'CANCELLED');
  });

  it('stops a running execution', async () => {
    const started = await client.start('wait', {});
    const stopped = await client.stopExecution(started.executionId, { error: 'Client.Stopped' });
    assert.equal(stopped.status, 'ABORTED');
  });

  it('throws NightshiftApiError with the stable code and the HTTP status', async () => {
    await assert.rejects(client.start('nope' as 'double', { n: 1 }), (e: unknown) =>
      e instanceof NightshiftApiError && e.code === 'WORKFLOW_NOT_FOUND' && e.status === 404);
    const anonymous = createClient({ baseUrl: server.url });
    await assert.rejects(anonymous.listExecutions(), { code: 'UNAUTHORIZED', status: 401 });
  });

  it('reaches every other route through raw, typed by path', async () => {
    const { data, response } = await client.raw.GET('/v1/workflows/{name}', { params: { path: { name: 'double' } } });
    assert.equal(response.status, 200);
    assert.equal(data?.name, 'double');
    assert.equal((await client.raw.GET('/openapi.json')).response.status, 200);
  });
});
