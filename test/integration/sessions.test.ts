/**
 * Dashboard sessions through the real app and a real database: an admin key is exchanged for an
 * HttpOnly, SameSite=Strict, expiring cookie; the cookie then stands for the key (and stops when the
 * key is revoked, when it expires, or when its holder signs out); only its hash is stored; it changes
 * nothing when a request does not come from the server's own origin; and requests without key or
 * session are still refused.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createApp } from '../../src/api/index.ts';
import { createApiKey, revokeApiKey, sessionHours } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
let app: ReturnType<typeof createApp>;
const keys: Record<string, { id: string; key: string }> = {};

async function call(method: string, path: string, headers: Record<string, string> = {}, json?: unknown) {
  const response = await app.request(`http://nightshift.test${path}`, {
    method,
    headers: { Host: 'nightshift.test', ...(json === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** Signs in with `key` and answers the cookie header to send back and the Set-Cookie received. */
async function signIn(key: string): Promise<{ cookie: string; setCookie: string; token: string }> {
  const reply = await call('POST', '/v1/sessions', { Authorization: `Bearer ${key}` });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  const setCookie = reply.headers.get('set-cookie') ?? '';
  const token = /nightshift_session=([^;]+)/.exec(setCookie)![1];
  return { cookie: `nightshift_session=${token}`, setCookie, token };
}

const sameOrigin = { 'Sec-Fetch-Site': 'same-origin' };

before(async () => {
  engine = await createTestEngine();
  await engine.deploy({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }, 'plain');
  for (const [name, scopes] of [['admin', ['admin']], ['other', ['admin']], ['read', ['read']]] as const) {
    const admin = scopes.includes('admin' as never);
    const { id, key } = await createApiKey(engine.deps, { name, role: admin ? 'postgres' : 'authenticated', scopes: [...scopes], allowPrivilegedRole: admin });
    keys[name] = { id, key };
  }
  app = createApp({ ...engine.deps });
});

after(async () => {
  await engine?.close();
});

describe('dashboard sessions', () => {
  it('exchanges an admin key for an HttpOnly, SameSite=Strict cookie that expires, storing only its hash', async () => {
    const { setCookie, token } = await signIn(keys.admin.key);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, new RegExp(`Max-Age=${sessionHours * 3600}`));
    assert.match(setCookie, /Path=\//);
    const rows = await engine.db.sql`select token_hash, key_id, expires_at - created_at as lasts from nightshift.sessions`;
    const row = rows.find((r) => r.token_hash === createHash('sha256').update(token).digest('hex'));
    assert.ok(row, 'the hash of the token is stored');
    assert.equal(row.key_id, keys.admin.id);
    assert.equal(rows.filter((r) => JSON.stringify(r).includes(token)).length, 0, 'never the token');
  });

  it('answers requests with the cookie alone as the key it was made from', async () => {
    const { cookie } = await signIn(keys.admin.key);
    const identity = await call('GET', '/v1/identity', { Cookie: cookie });
    assert.equal(identity.status, 200);
    assert.equal(identity.body.keyId, keys.admin.id);
    const started = await call('POST', '/v1/workflows/plain/executions', { Cookie: cookie, ...sameOrigin }, {});
    assert.equal(started.status, 201, JSON.stringify(started.body));
  });

  it('still refuses requests with neither key nor session, and a made-up session', async () => {
    assert.equal((await call('GET', '/v1/executions')).status, 401);
    assert.equal((await call('GET', '/v1/executions', { Cookie: `nightshift_session=${'A'.repeat(43)}` })).status, 401);
    assert.equal((await call('GET', '/v1/executions', { Cookie: 'nightshift_session=nonsense' })).status, 401);
  });

  it('refuses to make a session from a key without the admin scope, or from a session', async () => {
    assert.equal((await call('POST', '/v1/sessions', { Authorization: `Bearer ${keys.read.key}` })).status, 403);
    const { cookie } = await signIn(keys.admin.key);
    assert.equal((await call('POST', '/v1/sessions', { Cookie: cookie, ...sameOrigin })).status, 401);
  });

  it('changes nothing with the cookie unless the request comes from the same origin', async () => {
    const { cookie } = await signIn(keys.admin.key);
    const start = (headers: Record<string, string>) => call('POST', '/v1/workflows/plain/executions', { Cookie: cookie, ...headers }, {});
    for (const site of ['cross-site', 'same-site', 'none']) {
      const reply = await start({ 'Sec-Fetch-Site': site });
      assert.equal(reply.status, 403, site);
      assert.equal(reply.body.error.code, 'FORBIDDEN');
    }
    assert.equal((await start({ Origin: 'https://evil.test' })).status, 403, 'another origin');
    assert.equal((await start({})).status, 403, 'neither Sec-Fetch-Site nor Origin');
    assert.equal((await start({ Origin: 'http://nightshift.test' })).status, 201, 'its own origin, from a browser without Sec-Fetch-Site');
    assert.equal((await call('DELETE', '/v1/sessions/current', { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' })).status, 403, 'no signing out from elsewhere');
    assert.equal((await call('GET', '/v1/identity', { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' })).status, 200, 'reading is safe');
  });

  it('signs out server-side: the same cookie is refused afterwards, and the cookie is cleared', async () => {
    const { cookie, token } = await signIn(keys.admin.key);
    const out = await call('DELETE', '/v1/sessions/current', { Cookie: cookie, ...sameOrigin });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { ended: true });
    assert.match(out.headers.get('set-cookie') ?? '', /nightshift_session=;.*Max-Age=0/);
    assert.equal((await call('GET', '/v1/identity', { Cookie: cookie })).status, 401);
    const hash = createHash('sha256').update(token).digest('hex');
    assert.equal((await engine.db.sql`select 1 from nightshift.sessions where token_hash = ${hash}`).length, 0);
  });

  it('ends the sessions of a revoked key, and refuses an expired session', async () => {
    const { cookie } = await signIn(keys.other.key);
    await revokeApiKey(engine.deps, keys.other.id);
    assert.equal((await call('GET', '/v1/identity', { Cookie: cookie })).status, 401);
    const fresh = await signIn(keys.admin.key);
    await engine.db.sql`update nightshift.sessions set expires_at = now() - interval '1 second' where token_hash = ${createHash('sha256').update(fresh.token).digest('hex')}`;
    assert.equal((await call('GET', '/v1/identity', { Cookie: fresh.cookie })).status, 401);
  });

  it('prefers a key header to the cookie', async () => {
    const { cookie } = await signIn(keys.admin.key);
    const reply = await call('GET', '/v1/identity', { Cookie: cookie, Authorization: `Bearer ${keys.read.key}` });
    assert.equal(reply.body.keyId, keys.read.id);
  });
});
