/**
 * What a readiness probe asks the database: a round trip with a deadline (`withDeadline`), and whether
 * this process's LISTEN connection hears a notification it sends itself (the proof that wake-ups arrive;
 * listener.ts keeps it subscribed).
 */
import { canListen, listenerOf, type Sql } from './connection.ts';

export { readinessChannel, withDeadline } from './listener.ts';

export interface ListenerProbe {
  /** Null when a notification sent now arrives within `timeoutMs`; the problem in words otherwise; `'off'` when nothing listens. */
  check(timeoutMs: number): Promise<string | null | 'off'>;
  stop(): Promise<void>;
}

export function createListenerProbe(sql: Sql): ListenerProbe {
  const listener = listenerOf(sql);
  return {
    async check(timeoutMs) {
      if (!canListen(sql) || !listener) return 'off';
      return listener.check(timeoutMs);
    },
    // The listener is the pool's: it ends with the pool.
    async stop() {},
  };
}
