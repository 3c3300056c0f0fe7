/** Routes about the server itself: health, Prometheus metrics, the OpenAPI document. */
import type { Registry } from 'prom-client';
import { EngineError } from '../../shared/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { health } from '../schemas.ts';

export interface SystemRouteOptions {
  registry: Registry;
  /** Built on first request, from the full route table (this one included). */
  document: () => Record<string, unknown>;
}

export function systemRoutes(options: SystemRouteOptions): Route[] {
  return [
    defineRoute({
      method: 'get', path: '/healthz', operationId: 'health', tag: 'system', auth: 'public',
      summary: 'Whether the server can reach its database',
      responses: { 200: { description: 'Healthy', schema: health } },
      errors: ['UNAVAILABLE'],
      async handle({ context, deps }) {
        try {
          await deps.health?.();
        } catch (error) {
          deps.logger?.warn({ err: error }, 'The health check failed');
          throw new EngineError('UNAVAILABLE', 'The server cannot reach its database');
        }
        return context.json({ status: 'ok' as const, ...(deps.version === undefined ? {} : { version: deps.version }) }, 200);
      },
    }),
    defineRoute({
      method: 'get', path: '/metrics', operationId: 'metrics', tag: 'system', auth: 'read',
      summary: 'Prometheus metrics: process metrics and HTTP requests by method, route and status',
      responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } },
      errors: [],
      async handle({ context }) {
        return context.body(await options.registry.metrics(), 200, { 'Content-Type': options.registry.contentType });
      },
    }),
    defineRoute({
      method: 'get', path: '/openapi.json', operationId: 'openapi', tag: 'system', auth: 'public',
      summary: 'This OpenAPI 3.1 document',
      responses: { 200: { description: 'The OpenAPI document' } },
      errors: [],
      handle({ context }) {
        return context.json(options.document(), 200);
      },
    }),
  ];
}
