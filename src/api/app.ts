/** The HTTP API as a Hono app: the route table mounted behind metrics and a body cap, with one error handler. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { EngineError, silentLogger } from '../shared/index.ts';
import type { ApiDeps } from './deps.ts';
import { errorHandler, routeNotFound } from './errors.ts';
import { createHttpMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { mount, type Route } from './route.ts';
import { executionRoutes } from './routes/executions.ts';
import { systemRoutes } from './routes/system.ts';
import { taskTokenRoutes } from './routes/task-tokens.ts';
import { workflowRoutes } from './routes/workflows.ts';

export type { ApiDeps } from './deps.ts';

/** Above the engine's 256 KiB payload limit so that limit answers with its own message; this one stops floods. */
const maxBodyBytes = 1024 * 1024;

export function createApp(deps: ApiDeps): Hono {
  const app = new Hono();
  const metrics = createHttpMetrics();
  app.use('*', metrics.middleware);
  app.use('*', bodyLimit({
    maxSize: maxBodyBytes,
    onError: (context) => {
      // The rest of the body is never read, so this connection cannot carry another request: say so, or a
      // keep-alive client reuses it and sees it closed under its next request.
      context.header('Connection', 'close');
      throw new EngineError('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBodyBytes} bytes (1 MiB)`);
    },
  }));
  let document: Record<string, unknown> | undefined;
  const routes: Route[] = [
    ...workflowRoutes,
    ...executionRoutes,
    ...taskTokenRoutes,
    ...systemRoutes({ registry: metrics.registry, document: () => (document ??= openApiDocument(routes, deps.version ?? '0.0.0')) }),
  ];
  for (const route of routes) mount(app, route, deps);
  app.notFound(routeNotFound);
  app.onError(errorHandler(deps.logger ?? silentLogger));
  return app;
}
