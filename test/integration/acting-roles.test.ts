/**
 * The roles a JWT or an API key may act as are an explicit list (`roles:`, default anon and
 * authenticated). A role outside it, and a superuser or BYPASSRLS role even inside it, is refused
 * with 403 ROLE_NOT_ALLOWED before anything is stored; only an admin key's own setting
 * (allowPrivilegedRole) lets a key act as such a role. Creating a key checks that its role exists.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { createApp, listen, type ListeningServer } from '../../src/api/index.ts';
import { main } from '../../src/cli/main.ts';
import { apiKeyTtlMs, createApiKey, createJwtVerifier } from '../../src/service/index.ts';
import { ensureRoles } from '../support/database.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { sleep } from '../support/wait.ts';

const secret = 'a-test-secret-of-at-least-thirty-two-characters';
const suffix = randomBytes(4).toString('hex');
const unlisted = `ns_test_unlisted_${suffix}`;
const bypassing = `ns_test_bypass_${suffix}`;
const listed = `ns_test_listed_${suffix}`;
const changed = `ns_test_changed_${suffix}`;

let engine: TestEngine;
let server: ListeningServer;
let admin = '';

async function jwt(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(secret));
}

async function call(method: string, path: string, token: string, json?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

const executions = async () => (await engine.db.sql`select count(*)::int as n from nightshift.executions`)[0].n as number;

/** `request` answers 403 ROLE_NOT_ALLOWED and no execution is stored. */
async function refused(request: () => Promise<{ status: number; body: any }>): Promise<void> {
  const before = await executions();
  const reply = await request();
  assert.deepEqual([reply.status, reply.body?.error?.code], [403, 'ROLE_NOT_ALLOWED'], JSON.stringify(reply.body));
  assert.equal(await executions(), before, 'nothing was stored');
}

before(async () => {
  engine = await createTestEngine();
  await ensureRoles([unlisted, listed, changed]);
  await engine.db.sql.unsafe(`do $$ begin create role ${bypassing} nologin bypassrls; exception when duplicate_object then null; end $$`);
  engine.deps.roles = ['anon', 'authenticated', bypassing, listed, changed];
  const sql = engine.db.sql;
  await sql.unsafe(`create table public.notes (owner text not null, body text not null)`);
  await sql.unsafe(`alter table public.notes enable row level security`);
  await sql.unsafe(`create policy own_notes on public.notes using (owner = current_setting('request.jwt.claims', true)::json->>'sub')`);
  await sql.unsafe(`grant select on public.notes to authenticated, ${bypassing}, ${listed}`);
  await sql.unsafe(`insert into public.notes values ('alice', 'a1'), ('bob', 'b1')`);
  const read = { StartAt: 'Read', States: { Read: { Type: 'Task', Resource: 'sql:query', Parameters: { sql: 'select body from public.notes order by body' }, End: true } } };
  await engine.deploy({ name: 'read-notes', auth: 'jwt', definition: read }, 'read-notes');
  admin = (await createApiKey(engine.deps, { name: 'admin', role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true })).key;
  server = await listen(createApp({ ...engine.deps, auth: { jwt: createJwtVerifier({ secret }) } }), { port: 0 });
});

after(async () => {
  await server?.close();
  await engine?.close();
  for (const role of [unlisted, bypassing, listed, changed]) await engine?.db.sql.unsafe(`drop role if exists ${role}`).catch(() => {});
});

describe('the roles a JWT may act as', () => {
  it('refuses a JWT whose role is postgres, a superuser, before starting anything', async () => {
    await refused(async () => call('POST', '/v1/workflows/read-notes/executions', await jwt({ sub: 'alice', role: 'postgres' }), {}));
    await refused(async () => call('GET', '/v1/identity', await jwt({ sub: 'alice', role: 'postgres' })));
  });

  it('refuses a JWT whose role is not in roles:', async () => {
    await refused(async () => call('POST', '/v1/workflows/read-notes/executions', await jwt({ sub: 'alice', role: unlisted }), {}));
  });

  it('refuses a BYPASSRLS role even when roles: lists it', async () => {
    await refused(async () => call('POST', '/v1/workflows/read-notes/executions', await jwt({ sub: 'alice', role: bypassing }), {}));
  });

  it('lets an allowed role through, and row-level security holds its SQL', async () => {
    for (const claims of [{ sub: 'alice' }, { sub: 'alice', role: listed }]) {
      const reply = await call('POST', '/v1/workflows/read-notes/executions?wait=10', await jwt(claims), {});
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual([reply.body.status, reply.body.output], ['SUCCEEDED', { rows: [{ body: 'a1' }], rowCount: 1 }]);
    }
  });
});

describe('the roles an API key may act as', () => {
  it('refuses to create a key whose role does not exist, saying so', async () => {
    const missing = `ns_test_missing_${suffix}`;
    const reply = await call('POST', '/v1/keys', admin, { role: missing, scopes: ['read'] });
    assert.equal(reply.status, 400, JSON.stringify(reply.body));
    assert.equal(reply.body.error.code, 'INPUT_INVALID');
    assert.equal(reply.body.error.details.problems[0].path, 'role');
    assert.match(reply.body.error.message, new RegExp(`no role "${missing}" exists`));

    const project = mkdtempSync(join(tmpdir(), 'nightshift-roles-'));
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = engine.db.url;
    const errors: string[] = [];
    try {
      const code = await main(['keys', 'create', '--role', missing, '--scopes', 'read', '--dir', project], { stdout: () => {}, stderr: (t: string) => void errors.push(t) });
      assert.equal(code, 2);
      assert.match(errors.join(''), /no role .* exists in the database/);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('refuses a key acting as a superuser, BYPASSRLS or unlisted role unless an admin key opts in', async () => {
    for (const role of ['postgres', bypassing, unlisted]) {
      await assert.rejects(createApiKey(engine.deps, { role, scopes: ['start:*'] }), { code: 'ROLE_NOT_ALLOWED' }, role);
    }
    await assert.rejects(createApiKey(engine.deps, { role: 'postgres', scopes: ['start:*'], allowPrivilegedRole: true }), { code: 'INPUT_INVALID' });
    const optedIn = await createApiKey(engine.deps, { role: bypassing, scopes: ['admin'], allowPrivilegedRole: true });
    assert.equal((await call('GET', '/v1/identity', optedIn.key)).status, 200);
  });

  it('lets only a key that has the opt-in create another key with it', async () => {
    const plainAdmin = (await createApiKey(engine.deps, { role: 'authenticated', scopes: ['admin'] })).key;
    const asked = { role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true };
    const forbidden = await call('POST', '/v1/keys', plainAdmin, asked);
    assert.deepEqual([forbidden.status, forbidden.body.error.code], [403, 'FORBIDDEN']);
    const made = await call('POST', '/v1/keys', admin, asked);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.allowPrivilegedRole, true);
  });

  it('refuses at use a key whose role became BYPASSRLS after it was created, once the key kept in memory is read again', async () => {
    const { key } = await createApiKey(engine.deps, { role: changed, scopes: ['read'] });
    assert.equal((await call('GET', '/v1/workflows', key)).status, 200);
    await engine.db.sql.unsafe(`alter role ${changed} bypassrls`);
    // A key and its role's attributes are kept for apiKeyTtlMs (docs/security.md: how soon a change takes effect).
    await sleep(apiKeyTtlMs + 50);
    await refused(() => call('GET', '/v1/workflows', key));
  });
});
