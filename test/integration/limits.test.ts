/**
 * The limits (docs/limits.md), set in a project's nightshift.yaml and enforced by an engine built
 * from it, through its HTTP API against real Postgres: each refuses with its own stable code — body
 * size REQUEST_TOO_LARGE, input and output size PAYLOAD_TOO_LARGE / States.DataLimitExceeded, page
 * size PAGE_LIMIT_EXCEEDED, list length LIST_TOO_LONG, chain depth Workflow.ChainLimitExceeded, a
 * key's start rate RATE_LIMITED — and a forged cursor is a 400, never a 500.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createApiKey, waitForExecution } from '../../src/service/index.ts';
import { defaultLimits } from '../../src/shared/index.ts';
import { apiClient, forgedCursor, type Call } from '../support/api-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let project: string;
let engine: Engine;
let api: Call;
let baseUrl = '';

const yaml = `
limits:
  maxRequestBytes: 300000
  maxListRequestBytes: 400000
  maxPageSize: 3
  maxHistoryPageSize: 2
  maxListItems: 4
  maxDepth: 1
  keyStartsPerMinute: 2
`;

before(async () => {
  db = await createTestDatabase();
  project = mkdtempSync(join(tmpdir(), 'nightshift-limits-'));
  writeFileSync(join(project, 'nightshift.yaml'), yaml);
  mkdirSync(join(project, 'workflows'));
  const write = (name: string, definition: unknown) => writeFileSync(join(project, 'workflows', `${name}.json`), JSON.stringify(definition));
  write('quick', { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
  write('huge-result', { StartAt: 'Big', States: { Big: { Type: 'Task', Resource: 'big', End: true } } });
  write('again', { StartAt: 'Again', States: { Again: { Type: 'Task', Resource: 'workflow:start', Parameters: { workflow: 'again', input: {} }, End: true } } });
  engine = await createEngine({
    config: loadConfig({ projectDir: project, env: { DATABASE_URL: db.url } }),
    resources: { big: () => 'x'.repeat(300 * 1024) },
  });
  await engine.deployWorkflows();
  const admin = await createApiKey(engine.deps, { name: 'limits', role: 'postgres', scopes: ['admin'], rateLimitPerMinute: 1000, allowPrivilegedRole: true });
  adminKey = admin.key;
  baseUrl = await engine.serve({ port: 0 });
  api = apiClient(baseUrl, admin.key);
});
after(async () => {
  await engine?.stop();
  await db?.drop();
  rmSync(project, { recursive: true, force: true });
});

const code = (reply: { body: any }) => reply.body?.error?.code;
let adminKey = '';

/** A POST whose body is sent in chunks with no Content-Length (transfer-encoding: chunked), as a stream would be. */
function chunkedPost(path: string, pieces: Array<string | Buffer>): Promise<{ status: number; connection: string | undefined; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: JSON.parse(text) }));
    });
    // The server may answer and close before the whole body is sent.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

describe('nightshift.yaml limits:', () => {
  it('are read into the config with their defaults, and every bad one is reported with its path', () => {
    const config = loadConfig({ projectDir: project, env: {} });
    assert.deepEqual(config.limits, { ...defaultLimits, maxRequestBytes: 300000, maxListRequestBytes: 400000, maxPageSize: 3, maxHistoryPageSize: 2, maxListItems: 4, maxDepth: 1, keyStartsPerMinute: 2 });
    assert.ok(Object.isFrozen(config.limits));
    assert.deepEqual(engine.deps.limits, config.limits, 'the engine built from it enforces them');
    const bad = mkdtempSync(join(tmpdir(), 'nightshift-limits-bad-'));
    try {
      writeFileSync(join(bad, 'nightshift.yaml'), 'limits:\n  maxPageSize: 0\n  maxListItems: many\n  maxHistory: 5\n');
      assert.throws(() => loadConfig({ projectDir: bad, env: {} }), (e: { code?: string; details?: { problems: string[] } }) => {
        const problems = e.details?.problems.join('\n') ?? '';
        return e.code === 'CONFIG_INVALID' && /\/limits\/maxPageSize/.test(problems) && /\/limits\/maxListItems/.test(problems) && /maxHistory/.test(problems);
      });
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe('request body size', () => {
  it('refuses a body over limits.maxRequestBytes with 413 REQUEST_TOO_LARGE, naming the limit', async () => {
    const reply = await api('POST', '/v1/workflows/quick/executions', { blob: 'x'.repeat(300_000) });
    assert.equal(reply.status, 413);
    assert.equal(code(reply), 'REQUEST_TOO_LARGE');
    assert.deepEqual(reply.body.error.details, { maxBytes: 300_000, limit: 'maxRequestBytes' });
  });

  it('counts a chunked body with no Content-Length as it arrives: refused past the limit with the connection closed, read whole under it', async () => {
    const over = await chunkedPost('/v1/workflows/quick/executions', ['{"blob":"', ...Array.from({ length: 31 }, () => 'x'.repeat(10_000)), '"}']);
    assert.deepEqual([over.status, over.body.error.code, over.connection], [413, 'REQUEST_TOO_LARGE', 'close']);
    const fits = await chunkedPost('/v1/workflows/quick/executions', ['{"blob":', '"', 'y'.repeat(1_000), '"}']);
    assert.equal(fits.status, 201);
    const ended = await waitForExecution(engine.deps, fits.body.executionId, 10_000);
    assert.deepEqual(ended.output, { blob: 'y'.repeat(1_000) });
  });

  it('reads a body as the web Request would: a leading byte-order mark dropped, a bad byte replaced', async () => {
    const reply = await chunkedPost('/v1/workflows/quick/executions', ['\uFEFF{"text":"a', Buffer.from([0xff]), 'b"}']);
    assert.equal(reply.status, 201);
    const ended = await waitForExecution(engine.deps, reply.body.executionId, 10_000);
    assert.deepEqual(ended.output, { text: 'a\uFFFDb' });
  });

  it('gives a scheduled list limits.maxListRequestBytes instead', async () => {
    const item = (n: number) => ({ pad: 'y'.repeat(n) });
    const fits = await api('POST', '/v1/workflows/quick/schedule', { items: [1, 2, 3, 4].map(() => item(80_000)), intervalSeconds: 3600, startAt: '2100-01-01T00:00:00Z' });
    assert.equal(fits.status, 201, 'over maxRequestBytes, under maxListRequestBytes');
    const over = await api('POST', '/v1/workflows/quick/schedule', { items: [1, 2, 3, 4].map(() => item(110_000)), intervalSeconds: 0 });
    assert.deepEqual([over.status, code(over)], [413, 'REQUEST_TOO_LARGE']);
  });
});

describe('input and output size (256 KiB, as Step Functions)', () => {
  it('refuses an input over 256 KiB at the start with 413 PAYLOAD_TOO_LARGE', async () => {
    const reply = await api('POST', '/v1/workflows/quick/executions', { blob: 'x'.repeat(256 * 1024) });
    assert.deepEqual([reply.status, code(reply)], [413, 'PAYLOAD_TOO_LARGE']);
  });

  it('fails an execution whose task answers more than 256 KiB with States.DataLimitExceeded', async () => {
    const started = await api('POST', '/v1/workflows/huge-result/executions', {});
    const ended = await waitForExecution(engine.deps, started.body.executionId, 10_000);
    assert.deepEqual([ended.status, ended.error], ['FAILED', 'States.DataLimitExceeded']);
  });
});

describe('list length per request', () => {
  it('refuses a page size above limits.maxPageSize with 400 PAGE_LIMIT_EXCEEDED on every list, never clamping', async () => {
    for (const path of ['/v1/executions', '/v1/scheduled', '/v1/schedules']) {
      const over = await api('GET', `${path}?limit=4`);
      assert.deepEqual([over.status, code(over), over.body.error.details], [400, 'PAGE_LIMIT_EXCEEDED', { limit: 4, max: 3 }], path);
      assert.equal((await api('GET', `${path}?limit=3`)).status, 200, path);
      assert.deepEqual([(await api('GET', `${path}?limit=0`)).status, code(await api('GET', `${path}?limit=0`))], [400, 'INPUT_INVALID'], path);
    }
  });

  it('refuses a history page above limits.maxHistoryPageSize', async () => {
    const started = await api('POST', '/v1/workflows/quick/executions', {});
    const over = await api('GET', `/v1/executions/${started.body.executionId}/history?limit=3`);
    assert.deepEqual([over.status, code(over)], [400, 'PAGE_LIMIT_EXCEEDED']);
    assert.equal((await api('GET', `/v1/executions/${started.body.executionId}/history?limit=2`)).body.items.length, 2);
  });

  it('refuses a scheduled list longer than limits.maxListItems with 400 LIST_TOO_LONG', async () => {
    const reply = await api('POST', '/v1/workflows/quick/schedule', { items: [{}, {}, {}, {}, {}], intervalSeconds: 0 });
    assert.deepEqual([reply.status, code(reply), reply.body.error.details], [400, 'LIST_TOO_LONG', { items: 5, max: 4 }]);
  });
});

describe('chain depth', () => {
  it('fails the Task of a workflow:start one hop past limits.maxDepth with Workflow.ChainLimitExceeded', async () => {
    const root = await api('POST', '/v1/workflows/again/executions', {});
    assert.equal((await waitForExecution(engine.deps, root.body.executionId, 10_000)).status, 'SUCCEEDED');
    const [child] = await db.sql.unsafe<Array<{ id: string }>>(`select id from nightshift.executions where parent_id = $1`, [root.body.executionId]);
    const failed = await waitForExecution(engine.deps, child.id, 10_000);
    assert.deepEqual([failed.status, failed.error], ['FAILED', 'Workflow.ChainLimitExceeded']);
  });
});

describe('the start rate of a key', () => {
  it('gives keys without a rate of their own limits.keyStartsPerMinute: 429 RATE_LIMITED past it, with Retry-After', async () => {
    const { key } = await createApiKey(engine.deps, { name: 'default rate', role: 'authenticated', scopes: ['start:quick'] });
    const asKey = apiClient(baseUrl, key);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await asKey('POST', '/v1/workflows/quick/executions', {}));
    assert.deepEqual(statuses.map((r) => r.status), [201, 201, 429]);
    assert.equal(code(statuses[2]), 'RATE_LIMITED');
    assert.ok(Number(statuses[2].headers.get('retry-after')) >= 1);
  });
});

describe('cursors', () => {
  const uuid = '00000000-0000-4000-8000-000000000000';
  const forged = [`+275760-09-13T00:00:00.000Z|${uuid}`, `10000-01-01T00:00:00.000Z|${uuid}`, `0000-01-01T00:00:00.000Z|${uuid}`,
    `2030-01-01T00:00:00.000Z|a\u0000b`, `2030-01-01T00:00:00.000Z|`, 'no bar at all', `2030-01-01T00:00:00.000Z|${uuid}:x\u0000`];

  it('refuses a malformed or out-of-range cursor with 400 INPUT_INVALID on every list', async () => {
    for (const path of ['/v1/scheduled', '/v1/executions', '/v1/schedules']) {
      for (const text of [...forged, ...(path === '/v1/scheduled' ? [] : [`2030-01-01T00:00:00.000Z|${uuid}:i1`])]) {
        const reply = await api('GET', `${path}?cursor=${forgedCursor(text)}`);
        assert.deepEqual([reply.status, code(reply)], [400, 'INPUT_INVALID'], `${path} ${JSON.stringify(text)}`);
        assert.deepEqual(reply.body.error.details.problems.map((p: { path: string }) => p.path), ['query.cursor']);
      }
    }
    assert.equal((await api('GET', `/v1/scheduled?cursor=${forgedCursor(`2030-01-01T00:00:00.000Z|${uuid}:i1`)}`)).status, 200, 'a task-token wait cursor');
  });

  it('answers any date and any id in a Scheduler cursor with 200 or 400, never a 500', async () => {
    const time = fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 30 }));
    const id = fc.oneof(fc.uuid(), fc.string({ maxLength: 50 }), fc.uuid().map((u) => `${u}:${'i'.repeat(3)}`));
    await fc.assert(fc.asyncProperty(time, id, async (at, key) => {
      const reply = await api('GET', `/v1/scheduled?limit=1&cursor=${forgedCursor(`${at}|${key}`)}`);
      assert.ok(reply.status === 200 || (reply.status === 400 && code(reply) === 'INPUT_INVALID'), `${reply.status} for ${JSON.stringify(`${at}|${key}`)}`);
    }), { numRuns: 150 });
  });
});
