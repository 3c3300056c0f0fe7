/**
 * The single place that turns a thrown error into a response: an EngineError keeps its code, message and
 * details with the HTTP status of the code; anything else is a 500 whose text never leaves the server
 * (a driver error can quote a connection string or a row).
 */
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { errorCodes, isEngineError, type Logger } from '../shared/index.ts';

export function errorHandler(logger: Logger): ErrorHandler {
  return (error, context) => {
    if (isEngineError(error)) {
      const { code, message, details } = error;
      return context.json({ error: { code, message, details: details ?? null } }, errorCodes[code].http);
    }
    logger.error({ err: error, method: context.req.method, path: context.req.path }, 'An API request failed on an unexpected error');
    const message = 'An unexpected error happened on the server; it was logged there';
    return context.json({ error: { code: 'INTERNAL', message, details: null } }, errorCodes.INTERNAL.http);
  };
}

export const routeNotFound: NotFoundHandler = (context) =>
  context.json({ error: { code: 'ROUTE_NOT_FOUND', message: `No route answers ${context.req.method} ${context.req.path}`, details: null } }, 404);
