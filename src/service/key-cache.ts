/**
 * API keys kept in memory by prefix for `apiKeyTtlMs` per pool: without it every request read its key
 * (with its role's attributes) before anything else, one round trip of the two an HTTP start now makes.
 * What it costs: a key revoked by another process, or a role altered since (ALTER ROLE ... BYPASSRLS),
 * is seen by this one within `apiKeyTtlMs` (docs/security.md); a key revoked through this process is
 * forgotten at once. Only genuine, unrevoked keys are kept (the secret is still compared on every
 * request, in constant time), so made-up prefixes cannot fill the cache.
 */
import { findApiKeyByPrefix, type ApiKeyCredential, type Sql } from '../store/index.ts';
import type { Clock } from '../shared/index.ts';
import { PoolCache } from './pool-cache.ts';

export const apiKeyTtlMs = 2_000;

const cache = new PoolCache<ApiKeyCredential>(apiKeyTtlMs);

/** The key with this prefix, from memory when read less than a TTL ago. */
export async function cachedApiKey(deps: { sql: Sql; clock: Clock }, prefix: string, isGenuine: (key: ApiKeyCredential) => boolean): Promise<ApiKeyCredential | null> {
  const now = deps.clock.now();
  const cached = cache.fresh(deps.sql, prefix, now);
  if (cached) return cached;
  const key = await findApiKeyByPrefix(deps.sql, prefix);
  if (key && !key.revokedAt && isGenuine(key)) cache.keep(deps.sql, prefix, key, now);
  else cache.forget(deps.sql, prefix);
  return key;
}

/** Records in memory that the key's use was written (last_used_at), so the next requests do not write it again. */
export function rememberKeyUsed(sql: Sql, prefix: string, at: Date): void {
  cache.update(sql, prefix, (key) => ({ ...key, lastUsedAt: at }));
}

/** Forgets the key (it was revoked through this process). */
export function forgetApiKey(sql: Sql, prefix: string): void {
  cache.forget(sql, prefix);
}
