/**
 * The readiness of a process (/readyz): the database answers, its schema is this release's, and the
 * LISTEN connection hears a notification sent now. Each check has its own deadline, so a probe answers
 * within about 2 s even while Postgres is unreachable.
 */
import type { Readiness, ReadinessCheck } from '../api/index.ts';
import { createListenerProbe, ping, schemaProblem, withDeadline, type Sql } from '../store/index.ts';

const deadlineMs = 2_000;

export interface ReadinessProbe {
  check(): Promise<Readiness>;
  stop(): Promise<void>;
}

export function createReadiness(sql: Sql): ReadinessProbe {
  const listener = createListenerProbe(sql);
  const database = async (): Promise<ReadinessCheck> => {
    try {
      await withDeadline(ping(sql), deadlineMs, 'the database');
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: messageOf(error) };
    }
  };
  const schema = async (): Promise<ReadinessCheck> => {
    try {
      const problem = await withDeadline(schemaProblem(sql), deadlineMs, 'the database');
      return problem === null ? { ok: true } : { ok: false, detail: problem };
    } catch (error) {
      return { ok: false, detail: messageOf(error) };
    }
  };
  const listening = async (): Promise<ReadinessCheck> => {
    const problem = await listener.check(deadlineMs);
    if (problem === 'off') return { ok: true, detail: 'off: DATABASE_URL is pooled and no DATABASE_DIRECT_URL is set, so workers poll' };
    return problem === null ? { ok: true } : { ok: false, detail: problem };
  };
  return {
    async check() {
      const [db, migrations, listen] = await Promise.all([database(), schema(), listening()]);
      const checks = { database: db, schema: migrations, listener: listen };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
    stop: () => listener.stop(),
  };
}

/** A driver or deadline message; never a connection string (postgres.js messages do not carry one). */
function messageOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return `${code}${typeof e?.message === 'string' ? e.message : String(error)}`;
}
