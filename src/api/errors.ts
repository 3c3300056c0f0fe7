/**
 * The single place that turns a thrown error into a response: an EngineError keeps its code, message and
 * details with the HTTP status of the code; a lost or refused database connection is DATABASE_UNAVAILABLE
 * (503 with Retry-After); anything else is a 500 whose text never leaves the server (a driver error can
 * quote a connection string or a row).
 */
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { databaseUnavailable } from '../service/index.ts';
import { errorCodes, isEngineError, type Logger } from '../shared/index.ts';

/** During an outage every request fails the same way: one log line per this many ms, not one per request. */
const outageLogIntervalMs = 5_000;

export function errorHandler(logger: Logger): ErrorHandler {
  let outageLoggedAt = 0;
  return (thrown, context) => {
    const error = databaseUnavailable(thrown) ?? thrown;
    if (isEngineError(error)) {
      const { code, message, details } = error;
      if (code === 'DATABASE_UNAVAILABLE') {
        const retryAfter = (details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 2;
        context.header('Retry-After', String(retryAfter));
        if (Date.now() - outageLoggedAt >= outageLogIntervalMs) {
          outageLoggedAt = Date.now();
          logger.warn({ reason: (error.cause as { code?: unknown } | undefined)?.code, method: context.req.method, path: context.req.path },
            'API requests fail: the database cannot be reached (answered 503 DATABASE_UNAVAILABLE)');
        }
      }
      return context.json({ error: { code, message, details: details ?? null } }, errorCodes[code].http);
    }
    logger.error({ err: error, method: context.req.method, path: context.req.path }, 'An API request failed on an unexpected error');
    const message = 'An unexpected error happened on the server; it was logged there';
    return context.json({ error: { code: 'INTERNAL', message, details: null } }, errorCodes.INTERNAL.http);
  };
}

export const routeNotFound: NotFoundHandler = (context) =>
  context.json({ error: { code: 'ROUTE_NOT_FOUND', message: `No route answers ${context.req.method} ${context.req.path}`, details: null } }, 404);
