/**
 * `createNightshift`: Nightshift embedded in an application's own process. It is built on boot's
 * createEngine (the one composition root) and calls the service verbs; nothing here talks to
 * Postgres or runs a step itself. `start()` connects, migrates, registers the handlers, deploys the
 * workflows and, unless `workers: 0`, runs workers in this process.
 */
import { nodeListener, type NodeListener } from '../api/index.ts';
import { createEngine, createLogger, type Engine } from '../boot/index.ts';
import { loadConfig, type Config } from '../config/index.ts';
import type { ResourceHandler } from '../resources/index.ts';
import * as service from '../service/index.ts';
import { EngineError, silentLogger, type Json, type Logger } from '../shared/index.ts';
import { toResourceHandler, type DefinedResource, type ResourceFunction } from './resource.ts';
import type { NightshiftApi, WorkflowInputs, Nightshift, NightshiftOptions } from './types.ts';

function handlersOf(resources: NightshiftOptions['resources'], logger: Logger): Record<string, ResourceHandler> {
  const entries: Array<[string, ResourceFunction<never, unknown>]> = Array.isArray(resources)
    ? (resources as readonly DefinedResource<never, unknown>[]).map((r) => [r.name, r.handler])
    : Object.entries((resources ?? {}) as Record<string, ResourceFunction<never, unknown>>);
  const table: Record<string, ResourceHandler> = {};
  for (const [name, handler] of entries) {
    if (typeof handler !== 'function') throw new EngineError('CONFIG_INVALID', `resources.${name} is not a function`);
    table[name] = toResourceHandler(handler, logger);
  }
  return table;
}

function configOf(options: NightshiftOptions): Readonly<Config> {
  const overrides: Partial<Config> = {};
  if (options.databaseUrl !== undefined) overrides.databaseUrl = options.databaseUrl;
  if (options.workers !== undefined) {
    if (!Number.isInteger(options.workers) || options.workers < 0) throw new EngineError('CONFIG_INVALID', 'workers must be a whole number, 0 or more');
    overrides.concurrency = options.workers;
  }
  if (options.auth !== undefined) overrides.auth = options.auth;
  if (options.serves !== undefined) overrides.serves = Object.freeze([...options.serves]);
  return loadConfig({ projectDir: options.project ?? '.', overrides });
}

const notStarted = () => new EngineError('UNAVAILABLE', 'Nightshift is not started: call and await start() first');

export function createNightshift<W extends WorkflowInputs = Record<string, Json>>(options: NightshiftOptions = {}): Nightshift<W> {
  const config = configOf(options);
  // createLogger answers a promise (pino-pretty is imported only when asked for); a library logs JSON lines.
  const loggerReady: Promise<Logger> = options.logger ? Promise.resolve(options.logger) : createLogger(config.logLevel);
  let logger: Logger = silentLogger;
  // Handlers are made now (a bad one fails here) and log through whichever logger start() settles on.
  const handlers = handlersOf(options.resources, {
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.info(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
  });
  let engine: Engine | null = null;
  let starting: Promise<void> | null = null;
  let fetchApi: ((request: Request) => Response | Promise<Response>) | null = null;
  /** Every verb answers a promise, rejected (not thrown) when the engine is not started. */
  const deps = async (): Promise<service.ServiceDeps> => {
    if (!engine) throw notStarted();
    return engine.deps;
  };

  async function open(): Promise<void> {
    logger = await loggerReady;
    const opened = await createEngine({ config, logger, workers: config.concurrency > 0, resources: handlers });
    try {
      if (options.project !== undefined) {
        const report = await opened.deployWorkflows();
        if (report.invalid.length > 0) {
          const problems = report.invalid.flatMap((i) => i.problems);
          throw new EngineError('DEFINITION_INVALID', `${report.invalid.length} workflow file(s) of ${config.workflowsDir} are invalid:\n${service.formatProblems(problems)}`, { details: { problems } });
        }
      }
      if (options.workflows?.length) await opened.deploySources(options.workflows);
    } catch (error) {
      await opened.stop();
      throw error;
    }
    engine = opened;
    fetchApi = opened.api({ dashboard: options.dashboard ?? false });
  }

  const api: NightshiftApi = {
    async fetch(request) {
      if (!fetchApi) return Response.json({ error: { code: 'UNAVAILABLE', message: 'Nightshift is not started', details: {} } }, { status: 503 });
      return fetchApi(request);
    },
    node: (nodeOptions = {}): NodeListener => nodeListener((request) => api.fetch(request), nodeOptions),
  };

  const nightshift: Nightshift<W> = {
    api,
    get databaseUrl() {
      if (!engine) throw notStarted();
      return engine.databaseUrl;
    },
    start: () => (starting ??= open().catch((error: unknown) => {
      starting = null;
      throw error;
    })),
    async stop() {
      await starting?.catch(() => {});
      const running = engine;
      engine = null;
      fetchApi = null;
      starting = null;
      await running?.stop();
    },
    async startExecution(workflow, input, startOptions = {}) {
      const started = await service.startExecution(await deps(), {
        workflow, input: input as Json, idempotencyKey: startOptions.idempotencyKey, name: startOptions.name,
      });
      if (!startOptions.wait || started.status !== 'RUNNING') return started;
      return { ...(await service.waitForExecution(await deps(), started.executionId, startOptions.wait * 1000)), created: started.created };
    },
    schedule: async (workflow, input, when) => service.scheduleRun(await deps(), { workflow, input: input as Json, ...when }),
    scheduleList: async (workflow, items, plan = {}) =>
      service.scheduleList(await deps(), { workflow, items: items as unknown as Json[], intervalSeconds: 0, ...plan }),
    listScheduled: async (request = {}) => service.listScheduled(await deps(), request),
    cancelScheduled: (async (what: string | service.CancelFilter) =>
      typeof what === 'string' ? service.cancelScheduled(await deps(), what) : service.cancelScheduledBy(await deps(), what)) as Nightshift<W>['cancelScheduled'],
    describeExecution: async (id) => service.describeExecution(await deps(), id),
    executionHistory: async (id, historyOptions) => service.executionHistory(await deps(), id, historyOptions),
    listExecutions: async (request = {}) => service.listExecutions(await deps(), request),
    waitForExecution: async (id, seconds) => service.waitForExecution(await deps(), id, seconds * 1000),
    stopExecution: async (id, reason) => service.stopExecution(await deps(), id, reason),
    sendTaskSuccess: async (token, output) => service.sendTaskSuccess(await deps(), token, output as Json),
    sendTaskFailure: async (token, error, cause) => service.sendTaskFailure(await deps(), token, { error, cause }),
    sendTaskHeartbeat: async (token) => service.sendTaskHeartbeat(await deps(), token),
    emit: async (event, payload, emitOptions = {}) => service.publishEvent(await deps(), event, payload as Json, emitOptions),
  };
  return nightshift;
}
