/**
 * Prometheus metrics of one app, in a registry of its own (two apps in one process, as in tests, never
 * register the same metric twice): default process metrics plus a request counter and duration histogram.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  middleware: MiddlewareHandler;
}

const labelNames = ['method', 'route', 'status'] as const;

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'nightshift_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames, registers: [registry],
  });
  const duration = new Histogram({
    name: 'nightshift_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method, route pattern and status', labelNames,
    // Up to 60 s because `?wait=` holds a start request open that long.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const middleware: MiddlewareHandler = async (context, next) => {
    const started = performance.now();
    await next();
    const labels = { method: context.req.method, route: routeLabel(context), status: String(context.res.status) };
    requests.inc(labels);
    duration.observe(labels, (performance.now() - started) / 1000);
  };
  return { registry, middleware };
}

/** The pattern of the route that matched, never the raw path: ids in paths would make one series per id. */
function routeLabel(context: Context): string {
  const handler = matchedRoutes(context).findLast((route) => route.method !== 'ALL');
  return handler?.path ?? 'unmatched';
}
