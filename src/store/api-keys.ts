/**
 * API keys. The service makes the key and hashes its secret; this file only stores the prefix and the
 * hash, finds a key by its prefix, lists, revokes and marks keys used.
 */
import type { Queryable } from './connection.ts';

export interface ApiKeyRow {
  id: string;
  name: string | null;
  prefix: string;
  role: string;
  scopes: string[];
  rateLimitPerMinute: number | null;
  /** The key may act as its role although that role is privileged or not in `roles:` (admin keys only). */
  allowPrivilegedRole: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The row with its secret hash: only for checking a presented key, never for showing. */
export interface ApiKeyCredential extends ApiKeyRow {
  secretHash: string;
  /** The key's role as Postgres has it now: null when no such role exists. */
  roleAttributes: RoleAttributes | null;
}

/** What makes a role bypass row-level security: a superuser, or BYPASSRLS. */
export interface RoleAttributes {
  privileged: boolean;
}

export interface NewApiKey {
  id: string;
  name: string | null;
  prefix: string;
  secretHash: string;
  role: string;
  scopes: string[];
  rateLimitPerMinute: number | null;
  allowPrivilegedRole: boolean;
  createdAt: Date;
}

type KeyRecord = {
  id: string; name: string | null; prefix: string; secret_hash: string; role: string; scopes: string[];
  rate_limit_per_minute: number | null; allow_privileged_role: boolean; created_at: Date; last_used_at: Date | null; revoked_at: Date | null;
};

const toRow = (r: KeyRecord): ApiKeyRow => ({
  id: r.id, name: r.name, prefix: r.prefix, role: r.role, scopes: r.scopes, rateLimitPerMinute: r.rate_limit_per_minute,
  allowPrivilegedRole: r.allow_privileged_role, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
});

/** Every column but the hash, for lists. */
const shownColumns = 'id, name, prefix, role, scopes, rate_limit_per_minute, allow_privileged_role, created_at, last_used_at, revoked_at';

export async function insertApiKey(sql: Queryable, key: NewApiKey): Promise<void> {
  await sql.unsafe(
    `insert into nightshift.api_keys (id, name, prefix, secret_hash, role, scopes, rate_limit_per_minute, allow_privileged_role, created_at)
     values ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9)`,
    [key.id, key.name, key.prefix, key.secretHash, key.role, key.scopes, key.rateLimitPerMinute, key.allowPrivilegedRole, key.createdAt] as never,
  );
}

// api_keys_prefix_key, and the role's attributes as they are now (pg_roles by name) in the same round trip.
export async function findApiKeyByPrefix(sql: Queryable, prefix: string): Promise<ApiKeyCredential | null> {
  const [row] = await sql.unsafe<Array<KeyRecord & { privileged: boolean | null }>>(
    `select k.${shownColumns.split(', ').join(', k.')}, k.secret_hash, r.rolsuper or r.rolbypassrls as privileged
     from nightshift.api_keys k left join pg_roles r on r.rolname = k.role
     where k.prefix = $1`,
    [prefix], { prepare: true });
  if (!row) return null;
  return { ...toRow(row), secretHash: row.secret_hash, roleAttributes: row.privileged === null ? null : { privileged: row.privileged } };
}

// pg_authid_rolname_index (pg_roles is a view on pg_authid). Null when no role has that name.
export async function findRoleAttributes(sql: Queryable, role: string): Promise<RoleAttributes | null> {
  const [row] = await sql.unsafe<Array<{ privileged: boolean }>>(
    'select rolsuper or rolbypassrls as privileged from pg_roles where rolname = $1', [role], { prepare: true });
  return row ? { privileged: row.privileged } : null;
}

// A sequential scan: the table holds a handful of rows per project.
export async function listApiKeys(sql: Queryable): Promise<ApiKeyRow[]> {
  const rows = await sql.unsafe<KeyRecord[]>(`select ${shownColumns} from nightshift.api_keys order by created_at, id`);
  return rows.map(toRow);
}

/** Whether a key that is not revoked exists (serve refuses to start without one). */
export async function hasActiveApiKey(sql: Queryable): Promise<boolean> {
  const rows = await sql.unsafe('select 1 from nightshift.api_keys where revoked_at is null limit 1');
  return rows.length > 0;
}

// api_keys_pkey. Revoking twice keeps the first time; null when no key has that id.
export async function revokeApiKey(sql: Queryable, id: string, now: Date): Promise<ApiKeyRow | null> {
  const [row] = await sql.unsafe<KeyRecord[]>(
    `update nightshift.api_keys set revoked_at = coalesce(revoked_at, $2) where id = $1 returning ${shownColumns}`,
    [id, now] as never,
  );
  return row ? toRow(row) : null;
}

// api_keys_pkey. At most one write a minute per key, however many requests it makes.
export async function markApiKeyUsed(sql: Queryable, id: string, now: Date): Promise<void> {
  await sql.unsafe(
    `update nightshift.api_keys set last_used_at = $2
     where id = $1 and (last_used_at is null or last_used_at < $2::timestamptz - interval '1 minute')`,
    [id, now] as never,
    { prepare: true },
  );
}

/** The role this connection logs in as: the engine's own role. */
export async function currentRole(sql: Queryable): Promise<string> {
  const [row] = await sql.unsafe<Array<{ role: string }>>('select current_user as role');
  return row.role;
}
