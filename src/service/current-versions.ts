/**
 * Workflows' current versions kept in memory for a second, per connection pool: an HTTP start asked
 * for its workflow's version twice (the access check, then the start), each a round trip. What a
 * cached version may get wrong, and why that is safe:
 * - a start inserted with one: only if that version is still the workflow's current one and the workflow
 *   is not removed, checked in the insert itself (store's insertStartedExecutions); a start whose
 *   version changed is started again the transactional way, with the version read then;
 * - an access check (a workflow's `auth:`): a deploy made by another process reaches this one within
 *   `currentVersionTtlMs` (docs/security.md); a deploy or removal made by this process at once.
 * Only versions found and not removed are kept: a missing or removed workflow is read every time.
 */
import { getCurrentVersionHead, type Sql, type WorkflowVersionHead } from '../store/index.ts';
import type { Clock } from '../shared/index.ts';

/** How long a version read is used before it is read again (measured: one lookup a second is nothing next to thousands of starts). */
export const currentVersionTtlMs = 1_000;

interface Cached {
  head: WorkflowVersionHead;
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

/** The workflow's current version without its definition, from memory when read less than a TTL ago. */
export async function cachedCurrentVersion(deps: { sql: Sql; clock: Clock }, name: string): Promise<WorkflowVersionHead | null> {
  const cache = cacheOf(deps.sql);
  const now = deps.clock.now();
  const cached = cache.get(name);
  if (cached && now >= cached.readAt && now - cached.readAt < currentVersionTtlMs) return cached.head;
  const head = await getCurrentVersionHead(deps.sql, name);
  if (head && !head.archivedAt) cache.set(name, { head, readAt: now });
  else cache.delete(name);
  // Names come from callers: the cache holds deployed workflows only, so it stays as small as they are.
  return head;
}

/** Forgets what is kept of the workflow (this process deployed or removed it, or a start found its version stale). */
export function forgetCurrentVersion(sql: Sql, name: string): void {
  pools.get(sql)?.delete(name);
}
