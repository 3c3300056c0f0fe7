/**
 * Dashboard sessions: stored by the SHA-256 of their token, each standing for an API key. The
 * service makes the token; this file stores, finds (with the key's row) and deletes sessions.
 */
import type { Queryable } from './connection.ts';
import type { ApiKeyRow, RoleAttributes } from './api-keys.ts';

export interface NewSession {
  id: string;
  tokenHash: string;
  keyId: string;
  createdAt: Date;
  expiresAt: Date;
}

type Found = {
  id: string; name: string | null; prefix: string; role: string; scopes: string[]; rate_limit_per_minute: number | null;
  allow_privileged_role: boolean; created_at: Date; last_used_at: Date | null; revoked_at: Date | null; privileged: boolean | null;
};

/** A session's key, with what its role is now (it is checked at every use, as the key is). */
export interface SessionKey extends ApiKeyRow {
  roleAttributes: RoleAttributes | null;
}

// sessions_pkey; and sessions_expires_at_idx for the expired ones, deleted on every sign-in.
export async function insertSession(sql: Queryable, session: NewSession): Promise<void> {
  await sql.unsafe('delete from nightshift.sessions where expires_at <= $1', [session.createdAt] as never);
  await sql.unsafe(
    `insert into nightshift.sessions (id, token_hash, key_id, created_at, expires_at) values ($1, $2, $3, $4, $5)`,
    [session.id, session.tokenHash, session.keyId, session.createdAt, session.expiresAt] as never,
  );
}

// sessions_token_hash_key, then api_keys_pkey and pg_authid_rolname_index. Null when no session has
// that hash, it has expired or its key was revoked.
export async function findSessionKey(sql: Queryable, tokenHash: string, now: Date): Promise<SessionKey | null> {
  const [row] = await sql.unsafe<Found[]>(
    `select k.id, k.name, k.prefix, k.role, k.scopes, k.rate_limit_per_minute, k.allow_privileged_role, k.created_at, k.last_used_at, k.revoked_at,
            r.rolsuper or r.rolbypassrls as privileged
     from nightshift.sessions s join nightshift.api_keys k on k.id = s.key_id left join pg_roles r on r.rolname = k.role
     where s.token_hash = $1 and s.expires_at > $2 and k.revoked_at is null`,
    [tokenHash, now] as never,
    { prepare: true },
  );
  if (!row) return null;
  return {
    id: row.id, name: row.name, prefix: row.prefix, role: row.role, scopes: row.scopes, rateLimitPerMinute: row.rate_limit_per_minute,
    allowPrivilegedRole: row.allow_privileged_role, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at,
    roleAttributes: row.privileged === null ? null : { privileged: row.privileged },
  };
}

// sessions_token_hash_key. Answers whether a session was there.
export async function deleteSession(sql: Queryable, tokenHash: string): Promise<boolean> {
  const rows = await sql.unsafe('delete from nightshift.sessions where token_hash = $1 returning id', [tokenHash] as never);
  return rows.length > 0;
}
