/**
 * Identity and access through the real app and a real database: every route of the route table (read
 * from the app's own OpenAPI document, so a new route is covered the day it is added) refuses callers
 * without credentials, callers without the scope, and bad input; keys are stored hashed and can be
 * revoked; JWTs are verified with a secret (HS256) and with a JWKS served on loopback (RS256); each
 * workflow's `auth` decides who may start it; the identity lands on the execution; starts are rate-limited.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createApp, type ApiDeps } from '../../src/api/index.ts';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/index.ts';
import {
  createApiKey,
  createJwtVerifier,
  ensureLocalAdminKey,
  revokeApiKey,
  takeKeyStart,
  waitForExecution,
} from '../../src/service/index.ts';
import { systemClock } from '../../src/shared/index.ts';
import { createTestDatabase, ensureRoles } from '../support/database.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

type Access = string | { start: string };
interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

const testRoles = ['reader', 'worker', 'billing', 'ops', 'bursty', 'gone', 'auditor', 'member', 'temp'].map((r) => `ns_test_${r}`);
const hsSecret = 'a-test-secret-of-at-least-thirty-two-characters';
const issuer = 'https://issuer.test';
const audience = 'nightshift-test';

let engine: TestEngine;
let app: ReturnType<typeof createApp>;
let jwks: Server;
let jwksUrl = '';
let rsaKey: CryptoKey;
let otherRsaKey: CryptoKey;
const keys: Record<string, { id: string; key: string }> = {};

// The route table, as the app documents it: the same for every app, so a bare one is enough to list it.
const catalog = createApp({} as ApiDeps);
const document = (await (await catalog.request('/openapi.json')).json()) as { paths: Record<string, Record<string, any>> };
const routes = catalog.routes
  .filter((r) => r.method !== 'ALL')
  .map((r) => {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const operation = document.paths[path]?.[r.method.toLowerCase()];
    return { method: r.method, path, operation, access: operation?.['x-nightshift-access'] as Access };
  });

async function call(method: string, path: string, options: { headers?: Record<string, string>; body?: string; json?: unknown } = {}): Promise<Reply> {
  const body = options.json === undefined ? options.body : JSON.stringify(options.json);
  const response = await app.request(path, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...options.headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const as = (name: string) => bearer(keys[name].key);

async function hsJwt(claims: Record<string, unknown>, options: { expires?: string | number; aud?: string; secret?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setAudience(options.aud ?? audience)
    .setIssuedAt()
    .setExpirationTime(options.expires ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? hsSecret));
}

async function rsJwt(claims: Record<string, unknown>, options: { expires?: string | number; aud?: string; key?: CryptoKey; kid?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'test-key' })
    .setIssuer(issuer)
    .setAudience(options.aud ?? audience)
    .setIssuedAt()
    .setExpirationTime(options.expires ?? '5m')
    .sign(options.key ?? rsaKey);
}

/** A concrete path for a route: the start route's workflow is `keyed`, other parameters a placeholder. */
function concrete(route: (typeof routes)[number]): string {
  const startParam = typeof route.access === 'object' ? route.access.start.split('.')[1] : null;
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === startParam ? 'keyed' : 'x'));
}

/** A key that is valid but lacks what the route needs. */
function lacking(access: Access): string {
  if (typeof access === 'object') return 'read';
  return access === 'read' ? 'tasks' : 'read';
}

async function executionIdentity(id: string): Promise<any> {
  const [row] = await engine.db.sql`select identity from nightshift.executions where id = ${id}`;
  return row.identity;
}

before(async () => {
  engine = await createTestEngine();
  const pass = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };
  await engine.deploy({ name: 'open', auth: 'public', definition: pass }, 'open');
  await engine.deploy({ name: 'keyed', auth: 'key', definition: pass }, 'keyed');
  await engine.deploy({ name: 'members', auth: 'jwt', definition: pass }, 'members');
  await engine.deploy(pass, 'plain');

  const pair = await generateKeyPair('RS256');
  rsaKey = pair.privateKey;
  otherRsaKey = (await generateKeyPair('RS256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  jwks = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const address = jwks.address() as { port: number };
  jwksUrl = `http://127.0.0.1:${address.port}/.well-known/jwks.json`;

  // The roles these keys and JWTs act as, listed as nightshift.yaml roles: would list them.
  await ensureRoles(testRoles);
  engine.deps.roles = ['anon', 'authenticated', ...testRoles];
  const make = async (name: string, role: string, scopes: string[], rateLimitPerMinute?: number) => {
    const { id, key } = await createApiKey(engine.deps, { name, role, scopes, rateLimitPerMinute, allowPrivilegedRole: role === 'postgres' });
    keys[name] = { id, key };
  };
  await make('admin', 'postgres', ['admin']);
  await make('read', 'ns_test_reader', ['read']);
  await make('tasks', 'ns_test_worker', ['tasks']);
  await make('startKeyed', 'ns_test_billing', ['start:keyed']);
  await make('startAll', 'ns_test_ops', ['start:*']);
  await make('limited', 'ns_test_bursty', ['start:keyed'], 2);
  await make('revoked', 'ns_test_gone', ['admin']);
  await revokeApiKey(engine.deps, keys.revoked.id);

  const jwt = createJwtVerifier({ secret: hsSecret, jwksUrl, issuer, audience });
  app = createApp({ ...engine.deps, auth: { jwt } });
});

after(async () => {
  await new Promise((resolve) => jwks?.close(resolve));
  await engine?.close();
});

describe('every route of the route table', () => {
  it('declares what it needs in the OpenAPI document, with security schemes for keys and JWTs', () => {
    assert.ok(routes.length > 0);
    for (const route of routes) assert.ok(route.access, `${route.method} ${route.path} declares x-nightshift-access`);
    const healthz = routes.find((r) => r.path === '/healthz');
    assert.deepEqual(healthz?.operation.security, []);
    const start = routes.find((r) => r.path === '/v1/workflows/{name}/executions' && r.method === 'POST');
    assert.deepEqual(start?.access, { start: 'path.name' });
    assert.ok(start?.operation.responses['429'], 'the start route documents RATE_LIMITED');
  });

  for (const route of routes) {
    const name = `${route.method} ${route.path}`;
    if (route.access === 'public') {
      it(`${name} is public: it answers without credentials`, async () => {
        const reply = await call(route.method, concrete(route));
        assert.ok(![401, 403].includes(reply.status), `${name} answered ${reply.status}`);
      });
    } else {
      it(`${name} answers 401 UNAUTHORIZED without credentials, and with a revoked or made-up key`, async () => {
        for (const headers of [{}, as('revoked'), bearer('ns_000000000000_' + 'A'.repeat(43)), { 'X-Api-Key': 'nope' }]) {
          const reply = await call(route.method, concrete(route), { headers });
          assert.equal(reply.status, 401, `${name} with ${JSON.stringify(Object.keys(headers))}`);
          assert.equal(reply.body.error.code, 'UNAUTHORIZED');
          assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer/);
        }
      });
    }
    if (route.access !== 'public' && route.access !== 'authenticated') {
      it(`${name} answers 403 FORBIDDEN to a valid key without the scope it needs`, async () => {
        const reply = await call(route.method, concrete(route), { headers: as(lacking(route.access)) });
        assert.equal(reply.status, 403, JSON.stringify(reply.body));
        assert.equal(reply.body.error.code, 'FORBIDDEN');
      });
    }
    it(`${name} answers 400 INPUT_INVALID to bad input from a caller who may call it`, async () => {
      const reply = route.operation.requestBody
        ? await call(route.method, concrete(route), { headers: as('admin'), body: '{"not": json' })
        : await call(route.method, `${concrete(route)}?unexpected=1`, { headers: as('admin') });
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.equal(reply.body.error.code, 'INPUT_INVALID');
    });
  }
});

describe('API keys', () => {
  it('are stored as a SHA-256 of their secret: the secret appears nowhere in the database', async () => {
    const { key, id } = await createApiKey(engine.deps, { role: 'ns_test_auditor', scopes: ['read'] });
    const [, prefix, secret] = /^ns_([0-9a-f]{12})_(.+)$/.exec(key) ?? [];
    assert.ok(secret && secret.length >= 43, 'a 256-bit secret');
    const tables = await engine.db.sql<Array<{ name: string }>>`select table_name as name from information_schema.tables where table_schema = 'nightshift'`;
    let dump = '';
    for (const { name: table } of tables) {
      const rows = await engine.db.sql.unsafe(`select t::text as row from nightshift.${table} t`);
      dump += rows.map((r) => r.row).join('\n');
    }
    assert.ok(dump.includes(prefix), 'the prefix is stored');
    assert.ok(!dump.includes(secret), 'the secret is not');
    const [row] = await engine.db.sql`select secret_hash from nightshift.api_keys where id = ${id}`;
    assert.equal(row.secret_hash, createHash('sha256').update(secret).digest('hex'));
  });

  it('are accepted as Authorization: Bearer and as X-Api-Key, and a malformed Authorization is 401', async () => {
    assert.equal((await call('GET', '/v1/workflows', { headers: as('read') })).status, 200);
    assert.equal((await call('GET', '/v1/workflows', { headers: { 'X-Api-Key': keys.read.key } })).status, 200);
    const basic = await call('GET', '/v1/workflows', { headers: { Authorization: `Basic ${keys.read.key}` } });
    assert.deepEqual([basic.status, basic.body.error.code], [401, 'UNAUTHORIZED']);
    const wrongSecret = await call('GET', '/v1/workflows', { headers: bearer(`${keys.read.key.slice(0, -4)}AAAA`) });
    assert.deepEqual([wrongSecret.status, wrongSecret.body.error.message], [401, 'The API key is not valid']);
  });

  it('are created, listed without secrets and revoked through the API by an admin; a revoked key is 401 at once', async () => {
    const created = await call('POST', '/v1/keys', { headers: as('admin'), json: { name: 'temp', role: 'ns_test_temp', scopes: ['read'] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.key, /^ns_[0-9a-f]{12}_/);
    assert.equal((await call('GET', '/v1/workflows', { headers: bearer(created.body.key) })).status, 200);
    const listed = await call('GET', '/v1/keys', { headers: as('admin') });
    const mine = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
    assert.deepEqual([mine.name, mine.role, mine.scopes, mine.revokedAt], ['temp', 'ns_test_temp', ['read'], null]);
    // The secret is everything after ns_<12 hex>_ (it may hold '_' itself).
    assert.ok(!JSON.stringify(listed.body).includes(created.body.key.slice('ns_'.length + 13)), 'no secret in the list');
    const revoked = await call('DELETE', `/v1/keys/${created.body.id}`, { headers: as('admin') });
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    const after = await call('GET', '/v1/workflows', { headers: bearer(created.body.key) });
    assert.deepEqual([after.status, after.body.error.message], [401, 'The API key was revoked']);
    const unknown = await call('DELETE', '/v1/keys/00000000-0000-4000-8000-000000000000', { headers: as('admin') });
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'API_KEY_NOT_FOUND']);
  });

  it('refuses to create a key with an unknown scope or a bad role, naming each problem', async () => {
    const reply = await call('POST', '/v1/keys', { headers: as('admin'), json: { role: 'bad role!', scopes: ['write', 'start:'] } });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.body.error.details.problems.map((p: { path: string }) => p.path), ['role', 'scopes', 'scopes']);
  });

  it('tell their holder who they are at GET /v1/identity (the dashboard checks for admin there)', async () => {
    const reply = await call('GET', '/v1/identity', { headers: as('startKeyed') });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { kind: 'key', keyId: keys.startKeyed.id, role: 'ns_test_billing', claims: { role: 'ns_test_billing' }, scopes: ['start:keyed'] });
  });

  it('record when they were last used', async () => {
    const [row] = await engine.db.sql`select last_used_at from nightshift.api_keys where id = ${keys.read.id}`;
    assert.ok(row.last_used_at instanceof Date);
  });
});

describe('per-workflow auth', () => {
  it('public: anyone may start it, and the execution acts as anon', async () => {
    const reply = await call('POST', '/v1/workflows/open/executions', { json: {} });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.deepEqual(await executionIdentity(reply.body.executionId), { kind: 'public', role: 'anon', claims: { role: 'anon' } });
    const badKey = await call('POST', '/v1/workflows/open/executions', { json: {}, headers: bearer('ns_nope') });
    assert.equal(badKey.status, 401, 'credentials that are presented must be valid');
  });

  it('key: a key with start:<workflow>, start:* or admin may start it; the execution acts as the key role', async () => {
    for (const [name, role] of [['startKeyed', 'ns_test_billing'], ['startAll', 'ns_test_ops'], ['admin', 'postgres']]) {
      const reply = await call('POST', '/v1/workflows/keyed/executions', { json: {}, headers: as(name) });
      assert.equal(reply.status, 201, name);
      assert.deepEqual(await executionIdentity(reply.body.executionId), { kind: 'key', role, claims: { role }, keyId: keys[name].id });
    }
    const other = await call('POST', '/v1/workflows/plain/executions', { json: {}, headers: as('startKeyed') });
    assert.deepEqual([other.status, other.body.error.code], [403, 'FORBIDDEN']);
    const jwt = await call('POST', '/v1/workflows/keyed/executions', { json: {}, headers: bearer(await hsJwt({ sub: 'u1' })) });
    assert.deepEqual([jwt.status, jwt.body.error.code], [403, 'FORBIDDEN']);
    const nobody = await call('POST', '/v1/workflows/keyed/executions', { json: {} });
    assert.equal(nobody.status, 401);
  });

  it('a workflow that does not exist is 404 only for callers who could start it', async () => {
    const admin = await call('POST', '/v1/workflows/ghost/executions', { json: {}, headers: as('admin') });
    assert.deepEqual([admin.status, admin.body.error.code], [404, 'WORKFLOW_NOT_FOUND']);
    const scoped = await call('POST', '/v1/workflows/ghost/executions', { json: {}, headers: as('startKeyed') });
    assert.equal(scoped.status, 403);
  });

  it('jwt: a valid JWT may start it; its claims and role claim become the execution identity', async () => {
    const token = await hsJwt({ sub: 'user-42', email: 'ada@example.com', role: 'ns_test_member' });
    const reply = await call('POST', '/v1/workflows/members/executions?wait=5', { json: {}, headers: bearer(token) });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const identity = await executionIdentity(reply.body.executionId);
    assert.equal(identity.kind, 'jwt');
    assert.equal(identity.role, 'ns_test_member');
    assert.deepEqual([identity.claims.sub, identity.claims.email, identity.claims.aud], ['user-42', 'ada@example.com', audience]);
    const noRole = await call('POST', '/v1/workflows/members/executions', { json: {}, headers: bearer(await hsJwt({ sub: 'user-7' })) });
    assert.equal((await executionIdentity(noRole.body.executionId)).role, 'authenticated', 'Supabase default role');
    assert.equal((await call('POST', '/v1/workflows/members/executions', { json: {} })).status, 401);
    assert.equal((await call('POST', '/v1/workflows/members/executions', { json: {}, headers: as('startKeyed') })).status, 403);
    assert.equal((await call('POST', '/v1/workflows/members/executions', { json: {}, headers: as('startAll') })).status, 201);
  });

  it('a JWT carries no scope: it is 403 on read and admin routes, and shows its claims at /v1/identity', async () => {
    const token = await hsJwt({ sub: 'user-42' });
    assert.equal((await call('GET', '/v1/executions', { headers: bearer(token) })).status, 403);
    const me = await call('GET', '/v1/identity', { headers: bearer(token) });
    assert.equal(me.status, 200);
    assert.deepEqual([me.body.kind, me.body.role, me.body.claims.sub, me.body.scopes], ['jwt', 'authenticated', 'user-42', []]);
  });
});

describe('JWT verification', () => {
  const start = async (token: string) => call('POST', '/v1/workflows/members/executions', { json: {}, headers: bearer(token) });

  it('HS256: accepts a valid token; refuses an expired one, a wrong audience and a wrong secret with 401', async () => {
    assert.equal((await start(await hsJwt({ sub: 'a' }))).status, 201);
    const expired = await start(await hsJwt({ sub: 'a' }, { expires: Math.floor(Date.now() / 1000) - 60 }));
    assert.deepEqual([expired.status, expired.body.error.message], [401, 'The JWT has expired']);
    const audienceReply = await start(await hsJwt({ sub: 'a' }, { aud: 'someone-else' }));
    assert.equal(audienceReply.status, 401);
    assert.match(audienceReply.body.error.message, /aud/);
    const forged = await start(await hsJwt({ sub: 'a' }, { secret: 'another-secret-of-at-least-thirty-two-chars' }));
    assert.deepEqual([forged.status, forged.body.error.message], [401, 'The JWT signature is not valid']);
  });

  it('RS256 from a JWKS on 127.0.0.1: accepts a valid token; refuses expired, wrong audience and unknown signer with 401', async () => {
    const ok = await start(await rsJwt({ sub: 'rs-user', role: 'ns_test_member' }));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.deepEqual((await executionIdentity(ok.body.executionId)).claims.sub, 'rs-user');
    const expired = await start(await rsJwt({ sub: 'a' }, { expires: Math.floor(Date.now() / 1000) - 60 }));
    assert.deepEqual([expired.status, expired.body.error.message], [401, 'The JWT has expired']);
    assert.equal((await start(await rsJwt({ sub: 'a' }, { aud: 'someone-else' }))).status, 401);
    assert.equal((await start(await rsJwt({ sub: 'a' }, { key: otherRsaKey }))).status, 401);
    assert.equal((await start(await rsJwt({ sub: 'a' }, { key: otherRsaKey, kid: 'unknown-kid' }))).status, 401);
  });

  it('refuses a token without exp, garbage, and any JWT when none is configured', async () => {
    const noExp = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setAudience(audience)
      .sign(new TextEncoder().encode(hsSecret));
    assert.equal((await start(noExp)).status, 401);
    assert.equal((await start('not.a.jwt')).status, 401);
    const keysOnly = createApp({ ...engine.deps });
    const reply = await keysOnly.request('/v1/workflows/members/executions', { method: 'POST', headers: bearer(await hsJwt({ sub: 'a' })) });
    assert.equal(reply.status, 401);
  });

  it('answers 503 UNAVAILABLE when the JWKS cannot be fetched (the key server is down, not the caller wrong)', async () => {
    const down = createApp({ ...engine.deps, auth: { jwt: createJwtVerifier({ secret: null, jwksUrl: 'http://127.0.0.1:9/jwks', issuer: null, audience: null }) } });
    const reply = await down.request('/v1/workflows/members/executions', { method: 'POST', headers: bearer(await rsJwt({ sub: 'a' })) });
    assert.equal(reply.status, 503);
    assert.equal(((await reply.json()) as { error: { code: string } }).error.code, 'UNAVAILABLE');
  });
});

describe('the rate of starts per key', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a key used its starts for the minute; other keys go on', async () => {
    const statuses: number[] = [];
    let limited: Reply | undefined;
    for (let i = 0; i < 3; i++) {
      const reply = await call('POST', '/v1/workflows/keyed/executions', { json: {}, headers: as('limited') });
      statuses.push(reply.status);
      if (reply.status === 429) limited = reply;
    }
    assert.deepEqual(statuses, [201, 201, 429]);
    assert.equal(limited?.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(limited?.headers.get('retry-after')) >= 1);
    assert.equal((await call('GET', '/v1/workflows', { headers: as('limited') })).status, 403, 'only starts count, and its scope still applies');
    assert.equal((await call('POST', '/v1/workflows/keyed/executions', { json: {}, headers: as('startKeyed') })).status, 201);
  });

  it('refills evenly: a key of 60 a minute gets one more start each second', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const deps = { sql: engine.db.sql, clock: { now: () => now } };
    const take = () => takeKeyStart(deps, '00000000-0000-4000-8000-00000000b0c7', 60);
    for (let i = 0; i < 60; i++) await take();
    now += 500;
    await assert.rejects(take(), (e: { code?: string; details?: { retryAfterSeconds: number } }) => e.code === 'RATE_LIMITED' && e.details?.retryAfterSeconds === 1);
    now += 500;
    await take();
    await assert.rejects(take(), { code: 'RATE_LIMITED' });
  });
});

describe('bootstrapping and the CLI', () => {
  it('reads the auth settings from the environment and refuses NIGHTSHIFT_AUTH=disabled in production', () => {
    const project = mkdtempSync(join(tmpdir(), 'nightshift-config-'));
    try {
      const config = loadConfig({ projectDir: project, env: { NIGHTSHIFT_JWT_SECRET: hsSecret, NIGHTSHIFT_JWKS_URL: jwksUrl, NIGHTSHIFT_JWT_AUDIENCE: audience } });
      assert.deepEqual([config.auth, config.jwtSecret, config.jwksUrl, config.jwtIssuer, config.jwtAudience], ['enforced', hsSecret, jwksUrl, null, audience]);
      assert.equal(loadConfig({ projectDir: project, env: { NIGHTSHIFT_AUTH: 'disabled' } }).auth, 'disabled');
      assert.throws(() => loadConfig({ projectDir: project, env: { NIGHTSHIFT_AUTH: 'disabled', NODE_ENV: 'production' } }), /refused when NODE_ENV=production/);
      assert.throws(() => loadConfig({ projectDir: project, env: { NIGHTSHIFT_JWT_SECRET: 'short' } }), /at least 32 characters/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('lets every request through as an admin when auth is disabled (local experiments)', async () => {
    const open = createApp({ ...engine.deps, auth: { disabled: true } });
    assert.equal((await open.request('/v1/executions')).status, 200);
    const started = await open.request('/v1/workflows/keyed/executions', { method: 'POST' });
    assert.equal(started.status, 201);
    const view = (await started.json()) as { executionId: string };
    assert.equal((await executionIdentity(view.executionId)).role, 'anon');
  });

  it('makes one local admin key for nightshift dev when none exists, and none afterwards', async () => {
    const db = await createTestDatabase();
    try {
      const deps = { sql: db.sql, clock: systemClock };
      const first = await ensureLocalAdminKey(deps);
      assert.match(first?.key ?? '', /^ns_/);
      assert.equal(await ensureLocalAdminKey(deps), null);
    } finally {
      await db.drop();
    }
  });

  it('creates, lists and revokes keys with nightshift keys', async () => {
    const project = mkdtempSync(join(tmpdir(), 'nightshift-keys-'));
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = engine.db.url;
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: () => {} };
    try {
      assert.equal(await main(['keys', 'create', '--role', 'authenticated', '--scopes', 'read,start:keyed', '--name', 'from cli', '--rate', '30', '--json', '--dir', project], io), 0);
      const created = JSON.parse(out.pop() ?? '{}');
      assert.match(created.key, /^ns_/);
      assert.deepEqual([created.scopes, created.rateLimitPerMinute], [['read', 'start:keyed'], 30]);
      assert.equal(await main(['keys', 'ls', '--dir', project], io), 0);
      assert.ok(out.join('').includes(created.id) && !out.join('').includes(created.key));
      assert.equal(await main(['keys', 'revoke', created.id, '--dir', project], io), 0);
      assert.ok(JSON.parse(out.pop() ?? '{}').revokedAt);
      assert.equal(await main(['keys', 'create', '--role', 'r', '--scopes', 'write', '--dir', project], io), 2, 'INPUT_INVALID exits 2');
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('started executions still run: the identity does not get in the way of the engine', async () => {
    const reply = await call('POST', '/v1/workflows/keyed/executions', { json: {}, headers: as('admin') });
    const end = await waitForExecution(engine.deps, reply.body.executionId, 10_000);
    assert.equal(end.status, 'SUCCEEDED');
  });
});
