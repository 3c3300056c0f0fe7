/** The HTTP API as a Hono app: the route table mounted behind metrics and a body cap, with one error handler. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { EngineError, silentLogger } from '../shared/index.ts';
import { createGuard } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { errorHandler, routeNotFound } from './errors.ts';
import { createHttpMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { mount, type Route } from './route.ts';
import { activityRoutes } from './routes/activities.ts';
import { eventRoutes } from './routes/events.ts';
import { executionRoutes } from './routes/executions.ts';
import { keyRoutes } from './routes/keys.ts';
import { scheduledRoutes } from './routes/scheduled.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { systemRoutes } from './routes/system.ts';
import { taskTokenRoutes } from './routes/task-tokens.ts';
import { workflowRoutes } from './routes/workflows.ts';

export type { ApiDeps } from './deps.ts';

/** Above the engine's 256 KiB payload limit so that limit answers with its own message; this one stops floods. */
const maxBodyBytes = 1024 * 1024;
/** A scheduled list carries up to 100 000 inputs in one request (POST /v1/workflows/{name}/schedule). */
const maxListBodyBytes = 64 * 1024 * 1024;
const listPath = /^\/v1\/workflows\/[^/]+\/schedule$/;

export function createApp(deps: ApiDeps): Hono {
  const app = new Hono();
  const metrics = createHttpMetrics();
  app.use('*', metrics.middleware);
  const capped = (maxSize: number) => bodyLimit({
    maxSize,
    onError: (context) => {
      // The rest of the body is never read, so this connection cannot carry another request: say so, or a
      // keep-alive client reuses it and sees it closed under its next request.
      context.header('Connection', 'close');
      throw new EngineError('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxSize} bytes (${maxSize / 1024 / 1024} MiB)`);
    },
  });
  const [small, large] = [capped(maxBodyBytes), capped(maxListBodyBytes)];
  app.use('*', (context, next) => (listPath.test(context.req.path) ? large : small)(context, next));
  let document: Record<string, unknown> | undefined;
  const routes: Route[] = [
    ...workflowRoutes,
    ...executionRoutes,
    ...scheduleRoutes,
    ...scheduledRoutes,
    ...taskTokenRoutes,
    ...activityRoutes,
    ...eventRoutes,
    ...keyRoutes,
    ...systemRoutes({ registry: metrics.registry, document: () => (document ??= openApiDocument(routes, deps.version ?? '0.0.0')) }),
  ];
  const guard = createGuard(deps);
  for (const route of routes) mount(app, route, deps, guard);
  app.notFound(routeNotFound);
  app.onError(errorHandler(deps.logger ?? silentLogger));
  return app;
}
