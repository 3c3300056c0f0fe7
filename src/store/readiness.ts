/**
 * What a readiness probe asks the database: a round trip with a deadline, and whether this process's
 * LISTEN connection hears a notification it sends itself (the proof that wake-ups arrive).
 */
import { randomUUID } from 'node:crypto';
import { canListen, type Sql } from './connection.ts';

/** The channel of readiness probes; each process only reacts to its own tokens. */
export const readinessChannel = 'nightshift_ready';

/** `work`, or a rejection naming what did not answer within `ms`. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export interface ListenerProbe {
  /** Null when a notification sent now arrives within `timeoutMs`; the problem in words otherwise; `'off'` when nothing listens. */
  check(timeoutMs: number): Promise<string | null | 'off'>;
  stop(): Promise<void>;
}

export function createListenerProbe(sql: Sql): ListenerProbe {
  const waiting = new Map<string, () => void>();
  let subscription: Promise<{ unlisten(): Promise<void> }> | null = null;
  const subscribe = () => (subscription ??= sql.listen(readinessChannel, (token) => waiting.get(token)?.()));
  return {
    async check(timeoutMs) {
      if (!canListen(sql)) return 'off';
      const token = randomUUID();
      const heard = new Promise<void>((resolve) => waiting.set(token, resolve));
      try {
        await withDeadline(subscribe(), timeoutMs, 'the LISTEN connection');
        await withDeadline(sql.unsafe('select pg_notify($1, $2)', [readinessChannel, token]), timeoutMs, 'the database');
        await withDeadline(heard, timeoutMs, 'the LISTEN connection');
        return null;
      } catch (error) {
        // Subscribe again next time: the driver drops a listener whose re-subscription failed during an outage.
        const stale = subscription;
        subscription = null;
        void stale?.then((s) => s.unlisten()).catch(() => undefined);
        return error instanceof Error ? error.message : String(error);
      } finally {
        waiting.delete(token);
      }
    },
    async stop() {
      const current = subscription;
      subscription = null;
      await current?.then((s) => s.unlisten()).catch(() => undefined);
    },
  };
}
