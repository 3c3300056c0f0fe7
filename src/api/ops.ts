/**
 * The small HTTP listener of a process without the API (`nightshift worker`): /healthz, /readyz and
 * /metrics, with no key (bind it to a private address: docs/observability.md).
 */
import { Hono } from 'hono';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { silentLogger, type Logger } from '../shared/index.ts';
import type { Readiness } from './deps.ts';
import { errorHandler } from './errors.ts';
import { notReady } from './routes/system.ts';

export interface OpsAppOptions {
  readiness: () => Promise<Readiness>;
  /** The engine's metrics; process metrics are added beside them. */
  metrics?: Registry;
  logger?: Logger;
}

export function createOpsApp(options: OpsAppOptions): Hono {
  const process = new Registry();
  collectDefaultMetrics({ register: process });
  const app = new Hono();
  app.get('/healthz', (context) => context.json({ status: 'ok' }, 200));
  app.get('/readyz', async (context) => {
    const report = await options.readiness();
    if (!report.ready) throw notReady(report);
    return context.json({ status: 'ready', checks: report.checks }, 200);
  });
  app.get('/metrics', async (context) => {
    const more = options.metrics ? await options.metrics.metrics() : '';
    return context.body(`${await process.metrics()}\n${more}`, 200, { 'Content-Type': process.contentType });
  });
  app.onError(errorHandler(options.logger ?? silentLogger));
  return app;
}
