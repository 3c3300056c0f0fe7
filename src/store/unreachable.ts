/**
 * Postgres out of reach: telling a connection failure (refused, restarting, connection lost) from every
 * other error, as the stable code DATABASE_UNAVAILABLE, and waiting for the server at start.
 */
import { EngineError, type Logger } from '../shared/index.ts';
import { isDatabaseUnreachable } from '../shared/index.ts';
export { databaseRetryAfterSeconds, databaseUnavailable, isDatabaseUnreachable } from '../shared/index.ts';
import { connect, ping } from './connection.ts';

/** `host:port` of a connection URL, for log lines: never the user or the password. */
export function databaseAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return 'the configured server';
  }
}

export interface WaitForDatabaseOptions {
  /** How long to keep trying, in ms; 0 tries once. */
  waitMs: number;
  logger: Logger;
  /** The pause after the first failed attempt; it doubles up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Resolves once a `select 1` on `url` answers. A connection failure is retried with a doubling pause
 * (250 ms up to 5 s) for `waitMs`, each one logged with the address waited for; then DATABASE_UNAVAILABLE.
 * Any other failure (a wrong password, a missing database) is thrown at once: waiting cannot mend it.
 */
export async function waitForDatabase(url: string, options: WaitForDatabaseOptions): Promise<void> {
  const address = databaseAddress(url);
  const deadline = Date.now() + options.waitMs;
  let delay = options.firstDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    const probe = connect(url, { max: 1, applicationName: 'nightshift-start' });
    try {
      await ping(probe);
      if (attempt > 1) options.logger.info({ address, attempts: attempt }, `Postgres at ${address} answers`);
      return;
    } catch (error) {
      if (!isDatabaseUnreachable(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new EngineError('DATABASE_UNAVAILABLE', `Postgres at ${address} could not be reached in ${Math.round(options.waitMs / 1000)} s `
          + `(${attempt} attempt${attempt === 1 ? '' : 's'}; last: ${reasonOf(error)})`, { cause: error });
      }
      const wait = Math.min(delay, left);
      options.logger.warn({ address, attempt, nextInMs: wait, reason: reasonOf(error) },
        `waiting for Postgres at ${address} (attempt ${attempt}, next in ${formatSeconds(wait)})`);
      await new Promise((r) => setTimeout(r, wait));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    } finally {
      await probe.end({ timeout: 1 }).catch(() => {});
    }
  }
}

/** The driver's code ("ECONNREFUSED", "57P03"), never its message (which may quote the URL). */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'connection failed';
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
