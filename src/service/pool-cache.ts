/**
 * Values read from the database kept in memory for a short time, one map per connection pool (a process
 * with two pools, as tests have, keeps two): what the current-version and API-key caches share. A value
 * is used while it was read less than `ttlMs` ago by the injected clock (a clock that went back reads
 * again); callers decide what may be kept, so names sent by callers cannot fill it.
 */
import type { Sql } from '../store/index.ts';

interface Entry<V> {
  value: V;
  readAt: number;
}

export class PoolCache<V> {
  private readonly pools = new WeakMap<Sql, Map<string, Entry<V>>>();

  constructor(private readonly ttlMs: number) {}

  /** The value kept for `key` if read less than the TTL before `now`. */
  fresh(sql: Sql, key: string, now: number): V | undefined {
    const entry = this.pools.get(sql)?.get(key);
    return entry && now >= entry.readAt && now - entry.readAt < this.ttlMs ? entry.value : undefined;
  }

  /** Keeps `value` as read at `now`. */
  keep(sql: Sql, key: string, value: V, now: number): void {
    let map = this.pools.get(sql);
    if (!map) {
      map = new Map();
      this.pools.set(sql, map);
    }
    map.set(key, { value, readAt: now });
  }

  /** Changes a kept value in place, keeping when it was read. */
  update(sql: Sql, key: string, change: (value: V) => V): void {
    const entry = this.pools.get(sql)?.get(key);
    if (entry) entry.value = change(entry.value);
  }

  forget(sql: Sql, key: string): void {
    this.pools.get(sql)?.delete(key);
  }
}
