/** Routes about the server itself: health, Prometheus metrics, the OpenAPI document. */
import type { Registry } from 'prom-client';
import { EngineError } from '../../shared/index.ts';
import { defineRoute, type Route } from '../route.ts';
import type { Readiness } from '../deps.ts';
import { health, readiness } from '../schemas.ts';

/** UNAVAILABLE naming each failing check and what is wrong with it. */
export function notReady(report: Readiness): EngineError {
  const failing = Object.entries(report.checks).filter(([, check]) => !check.ok);
  const words = failing.map(([name, check]) => (check.detail ? `${name} (${check.detail})` : name)).join('; ');
  return new EngineError('UNAVAILABLE', `Not ready: ${words}`, { details: { checks: report.checks } });
}

export interface SystemRouteOptions {
  registry: Registry;
  /** More metrics shown after `registry`'s (the engine's). */
  more?: Registry;
  /** Built on first request, from the full route table (this one included). */
  document: () => Record<string, unknown>;
}

export function systemRoutes(options: SystemRouteOptions): Route[] {
  return [
    defineRoute({
      method: 'get', path: '/healthz', operationId: 'health', tag: 'system', auth: 'public',
      summary: 'Whether the process is alive (answers without asking the database: a liveness probe)',
      responses: { 200: { description: 'Alive', schema: health } },
      errors: [],
      handle({ context, deps }) {
        return context.json({ status: 'ok' as const, ...(deps.version === undefined ? {} : { version: deps.version }) }, 200);
      },
    }),
    defineRoute({
      method: 'get', path: '/readyz', operationId: 'readiness', tag: 'system', auth: 'public',
      summary: 'Whether the process can work: database reachable, schema migrated and not newer than this release, LISTEN connection hearing notifications',
      responses: { 200: { description: 'Ready', schema: readiness } },
      errors: ['UNAVAILABLE'],
      async handle({ context, deps }) {
        const report = deps.readiness ? await deps.readiness() : { ready: true, checks: {} };
        if (!report.ready) throw notReady(report);
        return context.json({ status: 'ready' as const, checks: report.checks }, 200);
      },
    }),
    defineRoute({
      method: 'get', path: '/metrics', operationId: 'metrics', tag: 'system', auth: 'read',
      summary: 'Prometheus metrics: process metrics and HTTP requests by method, route and status',
      responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } },
      errors: [],
      async handle({ context }) {
        const text = await options.registry.metrics();
        const more = options.more ? await options.more.metrics() : '';
        return context.body(more ? `${text}\n${more}` : text, 200, { 'Content-Type': options.registry.contentType });
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
