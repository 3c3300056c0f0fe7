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
import { PoolCache } from './pool-cache.ts';

/** How long a version read is used before it is read again (measured: one lookup a second is nothing next to thousands of starts). */
export const currentVersionTtlMs = 1_000;

const cache = new PoolCache<WorkflowVersionHead>(currentVersionTtlMs);

/** The workflow's current version without its definition, from memory when read less than a TTL ago. */
export async function cachedCurrentVersion(deps: { sql: Sql; clock: Clock }, name: string): Promise<WorkflowVersionHead | null> {
  const now = deps.clock.now();
  const cached = cache.fresh(deps.sql, name, now);
  if (cached) return cached;
  const head = await getCurrentVersionHead(deps.sql, name);
  if (head && !head.archivedAt) cache.keep(deps.sql, name, head, now);
  else cache.forget(deps.sql, name);
  // Names come from callers: the cache holds deployed workflows only, so it stays as small as they are.
  return head;
}

/** Forgets what is kept of the workflow (this process deployed or removed it, or a start found its version stale). */
export function forgetCurrentVersion(sql: Sql, name: string): void {
  cache.forget(sql, name);
}
