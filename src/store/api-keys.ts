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
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The row with its secret hash: only for checking a presented key, never for showing. */
export interface ApiKeyCredential extends ApiKeyRow {
  secretHash: string;
}

export interface NewApiKey {
  id: string;
  name: string | null;
  prefix: string;
  secretHash: string;
  role: string;
  scopes: string[];
  rateLimitPerMinute: number | null;
  createdAt: Date;
}

type KeyRecord = {
  id: string; name: string | null; prefix: string; secret_hash: string; role: string; scopes: string[];
  rate_limit_per_minute: number | null; created_at: Date; last_used_at: Date | null; revoked_at: Date | null;
};

const toRow = (r: KeyRecord): ApiKeyRow => ({
  id: r.id, name: r.name, prefix: r.prefix, role: r.role, scopes: r.scopes, rateLimitPerMinute: r.rate_limit_per_minute,
  createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
});

/** Every column but the hash, for lists. */
const shownColumns = 'id, name, prefix, role, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at';

export async function insertApiKey(sql: Queryable, key: NewApiKey): Promise<void> {
  await sql.unsafe(
    `insert into nightshift.api_keys (id, name, prefix, secret_hash, role, scopes, rate_limit_per_minute, created_at)
     values ($1, $2, $3, $4, $5, $6::text[], $7, $8)`,
    [key.id, key.name, key.prefix, key.secretHash, key.role, key.scopes, key.rateLimitPerMinute, key.createdAt] as never,
  );
}

// api_keys_prefix_key.
export async function findApiKeyByPrefix(sql: Queryable, prefix: string): Promise<ApiKeyCredential | null> {
  const [row] = await sql.unsafe<KeyRecord[]>(`select ${shownColumns}, secret_hash from nightshift.api_keys where prefix = $1`, [prefix], { prepare: true });
  return row ? { ...toRow(row), secretHash: row.secret_hash } : null;
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
