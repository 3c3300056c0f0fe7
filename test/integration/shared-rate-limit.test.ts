/**
 * Rate limits hold across processes: two engines (each its own connection pool and HTTP server, as
 * two Nightshift processes would be) share one database, and neither a key's start rate nor a
 * workflow's flow-control rate limit lets them start more than the limit between them.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createApiKey, removeIdleRateBuckets, takeKeyStart } from '../../src/service/index.ts';
import { apiClient, type Call } from '../support/api-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let project: string;
const engines: Engine[] = [];
const urls: string[] = [];

before(async () => {
  db = await createTestDatabase();
  project = mkdtempSync(join(tmpdir(), 'nightshift-shared-rate-'));
  mkdirSync(join(project, 'workflows'));
  const nap = { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } } };
  writeFileSync(join(project, 'workflows', 'nap.json'), JSON.stringify(nap));
  writeFileSync(join(project, 'workflows', 'metered.json'), JSON.stringify({ name: 'metered', flow: { rateLimit: { limit: 3, periodSeconds: 60 } }, definition: nap }));
  for (let i = 0; i < 2; i++) {
    const engine = await createEngine({ config: loadConfig({ projectDir: project, env: { DATABASE_URL: db.url } }), workers: false });
    engines.push(engine);
    urls.push(await engine.serve({ port: 0 }));
  }
  await engines[0].deployWorkflows();
});
after(async () => {
  for (const engine of engines) await engine.stop();
  await db?.drop();
  rmSync(project, { recursive: true, force: true });
});

/** A client per engine for the key; request i goes to engine i % 2. */
const clients = (key: string): Call[] => urls.map((url) => apiClient(url, key));

describe('the start rate of a key, across two engines', () => {
  it('lets a key of 4 a minute start 4 executions in all when its starts alternate between the engines', async () => {
    const { key } = await createApiKey(engines[0].deps, { name: 'alternating', role: 'authenticated', scopes: ['start:nap'], rateLimitPerMinute: 4 });
    const [a, b] = clients(key);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await (i % 2 === 0 ? a : b)('POST', '/v1/workflows/nap/executions', {})).status);
    assert.deepEqual(statuses, [201, 201, 201, 201, 429, 429, 429, 429]);
  });

  it('lets exactly 5 of 24 simultaneous starts through for a key of 5 a minute', async () => {
    const { key } = await createApiKey(engines[0].deps, { name: 'burst', role: 'authenticated', scopes: ['start:nap'], rateLimitPerMinute: 5 });
    const both = clients(key);
    const replies = await Promise.all(Array.from({ length: 24 }, (_, i) => both[i % 2]('POST', '/v1/workflows/nap/executions', {})));
    const counts = replies.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});
    assert.deepEqual(counts, { 201: 5, 429: 19 });
  });

  it('forgets a bucket unused for a minute: the key has its whole rate again', async () => {
    let now = Date.parse('2031-01-01T00:00:00Z');
    const deps = { sql: db.sql, clock: { now: () => now } };
    const keyId = '00000000-0000-4000-8000-0000000005e9';
    await takeKeyStart(deps, keyId, 1);
    await assert.rejects(takeKeyStart(deps, keyId, 1), { code: 'RATE_LIMITED' });
    now += 61_000;
    assert.ok((await removeIdleRateBuckets(deps)) >= 1);
    const [left] = await db.sql.unsafe(`select 1 from nightshift.rate_buckets where key = $1`, [`api-key:${keyId}`]);
    assert.equal(left, undefined);
    await takeKeyStart(deps, keyId, 1);
  });
});

describe("a workflow's flow-control rate limit, across two engines", () => {
  it('admits 3 of 8 simultaneous starts of a workflow limited to 3 a minute; the others are held with why', async () => {
    const { key } = await createApiKey(engines[0].deps, { name: 'flow', role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true });
    const both = clients(key);
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => both[i % 2]('POST', '/v1/workflows/metered/executions', { i })));
    assert.ok(replies.every((r) => r.status === 201), JSON.stringify(replies.map((r) => r.body)));
    const held = replies.filter((r) => r.body.waitingReason !== undefined);
    assert.equal(replies.length - held.length, 3);
    assert.ok(held.every((r) => /^rate limit 3\/60s reached; next at /.test(r.body.waitingReason)));
    const [{ count }] = await db.sql.unsafe<Array<{ count: number }>>(`select count(*)::int as count from nightshift.executions where workflow_name = 'metered'`);
    assert.equal(count, 3);
  });
});
