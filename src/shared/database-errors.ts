/**
 * Postgres out of reach, told apart from every other error: a connection that could not be made or went
 * away is the stable code DATABASE_UNAVAILABLE. Pure (error codes only), so the CLI can tell an outage
 * without loading the store.
 */
import { EngineError, isEngineError } from './errors.ts';

/**
 * Driver codes of a connection that could not be made or went away, and socket errors. SQLSTATE class
 * 08 (connection exception) and 57P01–57P05 (admin_shutdown, crash_shutdown, cannot_connect_now,
 * database_dropped, idle_session_timeout) are matched by prefix.
 */
const unreachableCodes = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

/** Whether `error` (or one of its causes) says the database cannot be reached, rather than refused a statement. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isEngineError(e)) return e.code === 'DATABASE_UNAVAILABLE';
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (unreachableCodes.has(code) || code.startsWith('08') || code.startsWith('57P0'))) return true;
  }
  return false;
}

/** Seconds a caller should wait before trying again (the driver reconnects within a second of the server's return). */
export const databaseRetryAfterSeconds = 2;

/**
 * The error as DATABASE_UNAVAILABLE when it is a connection failure, else null. The message names no host
 * (the driver's does, and an API answer must not); the driver's error stays as the cause for the log.
 */
export function databaseUnavailable(error: unknown): EngineError | null {
  if (isEngineError(error)) return error.code === 'DATABASE_UNAVAILABLE' ? error : null;
  if (!isDatabaseUnreachable(error)) return null;
  return new EngineError('DATABASE_UNAVAILABLE', 'The database cannot be reached right now; try again shortly', {
    cause: error,
    details: { retryAfterSeconds: databaseRetryAfterSeconds },
  });
}
