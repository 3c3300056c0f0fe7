/**
 * Verbs on API keys: create (the key is shown once), list (never the secret), revoke, and the check of a
 * presented key. A key is `ns_<prefix>_<secret>`: 48 random bits of prefix, stored and shown, to find the
 * row, and 256 random bits of secret of which only the SHA-256 is stored.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { workflowNamePattern } from '../asl/index.ts';
import {
  currentRole,
  findRoleAttributes,
  hasActiveApiKey,
  insertApiKey,
  listApiKeys as listApiKeyRows,
  markApiKeyUsed,
  revokeApiKey as revokeApiKeyRow,
  type ApiKeyCredential,
  type ApiKeyRow,
} from '../store/index.ts';
import { EngineError } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { cachedApiKey, forgetApiKey, rememberKeyUsed } from './key-cache.ts';
import { refuseRole } from './roles.ts';

type KeyDeps = Pick<ServiceDeps, 'sql' | 'clock' | 'roles'>;

export interface CreateApiKeyRequest {
  name?: string;
  /** The Postgres role executions started with the key act as. */
  role: string;
  /** admin, read, tasks, start:<workflow>, start:* */
  scopes: string[];
  /** Most starts a minute, across every process; absent or null: limits.keyStartsPerMinute (none by default). */
  rateLimitPerMinute?: number | null;
  /**
   * An admin key only: it may act as its role although that role is a superuser or BYPASSRLS role, or
   * is not in `roles:` (keys create --allow-privileged-role). Its executions' SQL is not held by row-level security.
   */
  allowPrivilegedRole?: boolean;
}

export interface ApiKeyView {
  id: string;
  name: string | null;
  /** The visible part: the key starts with `ns_<prefix>_`. */
  prefix: string;
  role: string;
  scopes: string[];
  rateLimitPerMinute: number | null;
  allowPrivilegedRole: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What a valid key proves: its row, for the identity and its rate limit. */
export type VerifiedKey = ApiKeyRow;

const keyPattern = /^ns_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** A Postgres role name as Nightshift accepts it (it is quoted, never interpolated raw, when used). */
export const rolePattern = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;
const fixedScopes = new Set(['admin', 'read', 'tasks', 'start:*']);
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isApiKey(value: string): boolean {
  return value.startsWith('ns_');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every problem of a create request at once, as INPUT_INVALID problems. */
function checkCreate(request: CreateApiKeyRequest): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  if (!rolePattern.test(request.role)) problems.push({ path: 'role', message: `${JSON.stringify(request.role)} is not a role name: a letter or "_", then letters, digits, "_", "$" or "-", at most 63` });
  if (request.scopes.length === 0) problems.push({ path: 'scopes', message: 'at least one scope: admin, read, tasks, start:<workflow> or start:*' });
  for (const scope of request.scopes) {
    const workflow = scope.startsWith('start:') ? scope.slice('start:'.length) : null;
    if (fixedScopes.has(scope) || (workflow !== null && workflowNamePattern.test(workflow))) continue;
    problems.push({ path: 'scopes', message: `${JSON.stringify(scope)} is not a scope: admin, read, tasks, start:<workflow> or start:*` });
  }
  const rate = request.rateLimitPerMinute;
  if (rate !== undefined && rate !== null && !(Number.isInteger(rate) && rate >= 1 && rate <= 1_000_000)) {
    problems.push({ path: 'rateLimitPerMinute', message: 'a whole number of starts a minute, 1 to 1000000' });
  }
  if (request.name !== undefined && (request.name.length === 0 || request.name.length > 200 || request.name.includes('\0'))) {
    problems.push({ path: 'name', message: '1 to 200 characters' });
  }
  if (request.allowPrivilegedRole && !request.scopes.includes('admin')) {
    problems.push({ path: 'allowPrivilegedRole', message: 'only a key with the admin scope may act as a privileged or unlisted role' });
  }
  return problems;
}

/** The role must exist; unless the key opts in, it must be listed in `roles:` and not bypass row-level security. */
async function checkKeyRole(deps: KeyDeps, request: CreateApiKeyRequest): Promise<void> {
  const attributes = await findRoleAttributes(deps.sql, request.role);
  if (!attributes) {
    const problems = [{ path: 'role', message: `no role ${JSON.stringify(request.role)} exists in the database: create it first (create role ${request.role} nologin) or choose another` }];
    throw new EngineError('INPUT_INVALID', `The key cannot be created: ${problems[0].message}`, { details: { problems } });
  }
  if (!request.allowPrivilegedRole) refuseRole(deps, 'The API key', request.role, attributes);
}

/** Creates a key; the answer holds the only copy of it. */
export async function createApiKey(deps: KeyDeps, request: CreateApiKeyRequest): Promise<{ id: string; key: string; view: ApiKeyView }> {
  const problems = checkCreate(request);
  if (problems.length > 0) {
    throw new EngineError('INPUT_INVALID', `The key cannot be created: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { details: { problems } });
  }
  await checkKeyRole(deps, request);
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const row = {
    id: randomUUID(), name: request.name ?? null, prefix, secretHash: sha256(secret), role: request.role,
    scopes: [...new Set(request.scopes)], rateLimitPerMinute: request.rateLimitPerMinute ?? null,
    allowPrivilegedRole: request.allowPrivilegedRole ?? false, createdAt: new Date(deps.clock.now()),
  };
  await insertApiKey(deps.sql, row);
  const view = viewOf({ ...row, lastUsedAt: null, revokedAt: null });
  return { id: row.id, key: `ns_${prefix}_${secret}`, view };
}

export async function listApiKeys(deps: Pick<ServiceDeps, 'sql'>): Promise<ApiKeyView[]> {
  return (await listApiKeyRows(deps.sql)).map(viewOf);
}

/** Revokes a key at once (every later request with it is 401); revoking twice is not an error. */
export async function revokeApiKey(deps: KeyDeps, id: string): Promise<ApiKeyView> {
  const row = uuidPattern.test(id) ? await revokeApiKeyRow(deps.sql, id, new Date(deps.clock.now())) : null;
  if (!row) throw new EngineError('API_KEY_NOT_FOUND', `No API key has the id ${JSON.stringify(id)}`);
  forgetApiKey(deps.sql, row.prefix);
  return viewOf(row);
}

export async function hasApiKeys(deps: Pick<ServiceDeps, 'sql'>): Promise<boolean> {
  return hasActiveApiKey(deps.sql);
}

/**
 * `nightshift dev`: an admin key for local use when no key exists yet, acting as the engine's own role
 * (the local database's owner). Null when a key exists: the key was printed when it was made.
 */
export async function ensureLocalAdminKey(deps: KeyDeps): Promise<{ key: string; role: string } | null> {
  if (await hasActiveApiKey(deps.sql)) return null;
  const role = await currentRole(deps.sql);
  // The local database's owner is a superuser: the key says so explicitly.
  const { key } = await createApiKey(deps, { name: 'local admin (nightshift dev)', role, scopes: ['admin'], allowPrivilegedRole: true });
  return { key, role };
}

/** The key's row when the key is genuine and not revoked; UNAUTHORIZED otherwise. */
export async function verifyApiKey(deps: KeyDeps, key: string): Promise<VerifiedKey> {
  const match = keyPattern.exec(key);
  // Compared in constant time, so the answer's timing tells nothing about the stored hash.
  const genuine = (row: ApiKeyCredential) => timingSafeEqual(Buffer.from(sha256(match![2]), 'hex'), Buffer.from(row.secretHash, 'hex'));
  const row = match ? await cachedApiKey(deps, match[1], genuine) : null;
  if (!match || !row || !genuine(row)) {
    throw new EngineError('UNAUTHORIZED', 'The API key is not valid');
  }
  if (row.revokedAt) throw new EngineError('UNAUTHORIZED', 'The API key was revoked');
  // Checked at every use: roles: or the role itself (ALTER ROLE ... BYPASSRLS) may have changed since (the role as read within apiKeyTtlMs).
  if (!(row.allowPrivilegedRole && row.scopes.includes('admin'))) refuseRole(deps, 'The API key', row.role, row.roleAttributes);
  // last_used_at is kept to the minute: no write (nor round trip) on most requests.
  const now = deps.clock.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= 60_000) {
    await markApiKeyUsed(deps.sql, row.id, new Date(now));
    rememberKeyUsed(deps.sql, row.prefix, new Date(now));
  }
  const { secretHash: _hash, roleAttributes: _attributes, ...shown } = row;
  return shown;
}

function viewOf(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id, name: row.name, prefix: row.prefix, role: row.role, scopes: row.scopes, rateLimitPerMinute: row.rateLimitPerMinute,
    allowPrivilegedRole: row.allowPrivilegedRole, createdAt: row.createdAt.toISOString(), lastUsedAt: row.lastUsedAt?.toISOString() ?? null, revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
