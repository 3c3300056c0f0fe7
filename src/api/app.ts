/** The HTTP API as a Hono app: the route table mounted behind metrics and a body cap, with one error handler. */
import { Hono } from 'hono';
import { EngineError, limitsOf, silentLogger } from '../shared/index.ts';
import { createGuard } from './auth.ts';
import { defaultDashboardDir, mountDashboard } from './dashboard.ts';
import type { ApiDeps } from './deps.ts';
import { errorHandler, routeNotFound } from './errors.ts';
import { createHttpMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { mount, type Route } from './route.ts';
import { cappedBody } from './request-body.ts';
import { activityRoutes } from './routes/activities.ts';
import { eventRoutes } from './routes/events.ts';
import { executionRoutes } from './routes/executions.ts';
import { keyRoutes } from './routes/keys.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { scheduledRoutes } from './routes/scheduled.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { systemRoutes } from './routes/system.ts';
import { tableTriggerRoutes } from './routes/table-triggers.ts';
import { taskTokenRoutes } from './routes/task-tokens.ts';
import { workflowRoutes } from './routes/workflows.ts';

export type { ApiDeps } from './deps.ts';

/** A scheduled list carries many inputs in one request: it has limits.maxListRequestBytes, every other body limits.maxRequestBytes. */
const listPath = /^\/v1\/workflows\/[^/]+\/schedule$/;

function sizeOf(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

export function createApp(deps: ApiDeps): Hono {
  const app = new Hono();
  const metrics = createHttpMetrics();
  app.use('*', metrics.middleware);
  const limits = limitsOf(deps.limits);
  const capped = (maxSize: number, setting: string) => cappedBody(maxSize, (context) => {
    // The rest of the body is never read, so this connection cannot carry another request: say so, or a
    // keep-alive client reuses it and sees it closed under its next request.
    context.header('Connection', 'close');
    throw new EngineError('REQUEST_TOO_LARGE', `The request body is larger than ${maxSize} bytes (${sizeOf(maxSize)}, limits.${setting})`, {
      details: { maxBytes: maxSize, limit: setting },
    });
  });
  const [small, large] = [capped(limits.maxRequestBytes, 'maxRequestBytes'), capped(limits.maxListRequestBytes, 'maxListRequestBytes')];
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
    ...sessionRoutes,
    ...tableTriggerRoutes,
    ...systemRoutes({ registry: metrics.registry, more: deps.metrics, document: () => (document ??= openApiDocument(routes, deps.version ?? '0.0.0')) }),
  ];
  const guard = createGuard(deps);
  for (const route of routes) mount(app, route, deps, guard);
  mountDashboard(app, deps.dashboardDir === undefined ? defaultDashboardDir : deps.dashboardDir);
  app.notFound(routeNotFound);
  app.onError(errorHandler(deps.logger ?? silentLogger));
  return app;
}
