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

export const apiKeyTtlMs = 2_000;

interface Cached {
  key: ApiKeyCredential;
  readAt: number;
}

const pools = new WeakMap<Sql, Map<string, Cached>>();

function cacheOf(sql: Sql): Map<string, Cached> {
  let cache = pools.get(sql);
  if (!cache) {
    cache = new Map();
    pools.set(sql, cache);
  }
  return cache;
}

/** The key with this prefix, from memory when read less than a TTL ago. */
export async function cachedApiKey(deps: { sql: Sql; clock: Clock }, prefix: string, isGenuine: (key: ApiKeyCredential) => boolean): Promise<ApiKeyCredential | null> {
  const cache = cacheOf(deps.sql);
  const now = deps.clock.now();
  const cached = cache.get(prefix);
  if (cached && now >= cached.readAt && now - cached.readAt < apiKeyTtlMs) return cached.key;
  const key = await findApiKeyByPrefix(deps.sql, prefix);
  if (key && !key.revokedAt && isGenuine(key)) cache.set(prefix, { key, readAt: now });
  else cache.delete(prefix);
  return key;
}

/** Records in memory that the key's use was written (last_used_at), so the next requests do not write it again. */
export function rememberKeyUsed(sql: Sql, prefix: string, at: Date): void {
  const cached = pools.get(sql)?.get(prefix);
  if (cached) cached.key = { ...cached.key, lastUsedAt: at };
}

/** Forgets the key (it was revoked through this process). */
export function forgetApiKey(sql: Sql, prefix: string): void {
  pools.get(sql)?.delete(prefix);
}
