/**
 * The composition root of a Nightshift process. Reads top to bottom: database (embedded when no
 * DATABASE_URL), migrations, resources, runtime, service deps, then — as the command asks — workers,
 * the HTTP API, the workflow folder. `stop()` undoes it in reverse.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createApp, createOpsApp, listen, type ListeningServer } from '../api/index.ts';
import type { Config } from '../config/index.ts';
import { registerBuiltinResources, ResourceRegistry, type ResourceHandler, type SecretSource } from '../resources/index.ts';
import { DurableRuntime, MemoryRunner, type JobHandler } from '../runtime/index.ts';
import {
  createJwtVerifier,
  deployDirectory,
  deployWorkflowSources,
  removeIdleRateBuckets,
  removeOldExecutions,
  removeOldScheduledRuns,
  removeWorkflow,
  workflowsGone,
  type DeployReport,
  type RemovedWorkflow,
  type ServiceDeps,
  type WorkflowSource,
} from '../service/index.ts';
import { connect, ping, startEmbeddedPostgres, waitForDatabase, type EmbeddedPostgres, type Sql } from '../store/index.ts';
import { checkTableTriggers, cronJobHandlers, flowControlJobHandlers, scheduledRunJobHandlers, syncDeployedSchedules, syncDeployedTableSubscriptions, tableChangeJobHandlers } from '../triggers/index.ts';
import { silentLogger, systemClock, type EngineMetrics, type EngineTracer, type Logger } from '../shared/index.ts';
import { migrateSchema, openPool } from './database.ts';
import { registerHandlersModule } from './handlers-module.ts';
import { httpOptionsOf, prepareIntegrations } from './integrations.ts';
import { createEngineMetrics } from './metrics.ts';
import { createReadiness } from './readiness.ts';
import { createTracing } from './tracing.ts';
import { registerWorkflowResources } from './workflow-resources.ts';

export interface EngineOptions {
  config: Readonly<Config>;
  logger?: Logger;
  /** Run workers in this process (serve, worker, dev). */
  workers?: boolean;
  /**
   * `nightshift dev`: http:invoke may reach loopback and private networks unless nightshift.yaml's
   * `http.allowPrivateNetworks` says otherwise. Default false (serve, worker, the library).
   */
  localDevelopment?: boolean;
  /** In-code handlers, by resource name (the embeddable library's way). */
  resources?: Record<string, ResourceHandler>;
  /** Where `${secrets.NAME}` / `${env.NAME}` come from; default: NIGHTSHIFT_SECRET_<NAME>, then the `secrets:` file. */
  secrets?: SecretSource;
  /**
   * Serve the HTTP API on this address, bound before any worker starts: a port already taken fails
   * the start (PORT_IN_USE) with nothing left running. The URL is then `engine.url`.
   */
  listen?: { port?: number; host?: string };
  /** Wait for an unreachable Postgres for `config.databaseWaitMs` (long-running commands); otherwise try once. */
  waitForDatabase?: boolean;
  /** Where spans go instead of OTLP/HTTP (turns tracing on): e.g. an in-memory exporter. */
  spanExporter?: SpanExporter;
}

export type FolderDeploy = DeployReport & { removed: RemovedWorkflow[] };

export interface Engine {
  readonly sql: Sql;
  readonly deps: ServiceDeps;
  readonly registry: ResourceRegistry;
  readonly databaseUrl: string;
  /** Registers an in-code handler: `engine.resource('resize-image', async (input, ctx) => …)`. */
  resource(name: string, handler: ResourceHandler): Engine;
  /**
   * Deploys every workflow file of the folder (and syncs their schedules and table triggers). With
   * `archiveRemoved` (dev's watcher), the workflows this engine deployed from a file that is now gone
   * are removed (archived): `removed` lists them.
   */
  deployWorkflows(dir?: string, options?: { archiveRemoved?: boolean }): Promise<FolderDeploy>;
  /** The URL of the API served through `EngineOptions.listen`, else null. */
  readonly url: string | null;
  /** Deploys workflows given as files or objects; any invalid one refuses them all (DEFINITION_INVALID). */
  deploySources(sources: readonly WorkflowSource[]): Promise<DeployReport>;
  /** The HTTP API as a fetch handler (paths from its root: /v1/…, /openapi.json), for mounting in another app. */
  api(options?: { dashboard?: boolean }): (request: Request) => Response | Promise<Response>;
  /** Serves the HTTP API; answers its URL. */
  serve(options?: { port?: number; host?: string }): Promise<string>;
  /** Serves only /healthz, /readyz and /metrics (a worker's listener); answers its URL. */
  serveOps(options: { port: number; host?: string }): Promise<string>;
  /** Sends the spans buffered so far (nothing when tracing is off). */
  flushTraces(): Promise<void>;
  /**
   * Stops serving and working: open requests and running tasks get `graceMs` (default config.shutdownGraceMs);
   * `clean` is false when tasks still running then were handed back to other workers.
   */
  stop(options?: { graceMs?: number }): Promise<{ clean: boolean }>;
}

function urlFile(config: Readonly<Config>): string {
  return join(config.dataDir, 'postgres.url');
}

/**
 * DATABASE_URL when set. Otherwise the embedded Postgres in the data folder: the one another
 * Nightshift process of this project already runs (its URL is in `.nightshift/postgres.url`), or a
 * new one started here.
 */
async function resolveDatabase(config: Readonly<Config>, logger: Logger, wait: boolean): Promise<{ url: string; embedded: EmbeddedPostgres | null }> {
  if (config.databaseUrl) {
    await waitForDatabase(config.databaseUrl, { waitMs: wait ? config.databaseWaitMs : 0, logger });
    return { url: config.databaseUrl, embedded: null };
  }
  const file = urlFile(config);
  if (existsSync(file)) {
    const url = readFileSync(file, 'utf8').trim();
    const probe = connect(url, { max: 1 });
    try {
      await ping(probe);
      return { url, embedded: null };
    } catch {
      rmSync(file, { force: true });
    } finally {
      await probe.end({ timeout: 1 });
    }
  }
  mkdirSync(config.dataDir, { recursive: true });
  const embedded = await startEmbeddedPostgres({ dataDir: join(config.dataDir, 'postgres'), logger });
  writeFileSync(file, `${embedded.url}\n`);
  logger.info({ dataDir: config.dataDir }, 'started an embedded Postgres');
  return { url: embedded.url, embedded };
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const addIntegrations = prepareIntegrations(config, options.secrets);
  const { url: databaseUrl, embedded } = await resolveDatabase(config, logger, options.waitForDatabase === true);
  const sql = openPool(config, databaseUrl, logger);
  const readiness = createReadiness(sql);
  const tracing = await createTracing(config, options.spanExporter);
  // The runtime is made in prepare(); its slots are only read at scrape time.
  let slots = () => ({ busy: 0, total: 0 });
  const { registry: metricsRegistry, metrics } = createEngineMetrics({ sql, logger, slots: () => slots() });
  const closeDatabase = async () => {
    await readiness.stop();
    await tracing?.shutdown().catch(() => {});
    await sql.end({ timeout: 2 }).catch(() => {});
    if (embedded) {
      rmSync(urlFile(config), { force: true });
      await embedded.stop();
    }
  };
  let parts: Parts;
  try {
    parts = await prepare(options, sql, logger, addIntegrations, { metrics, tracer: tracing?.tracer });
  } catch (e) {
    await closeDatabase();
    throw e;
  }
  const { registry, runtime, deps, transient, jobHandlers } = parts;
  slots = () => runtime.slots();

  // One JWT verifier (it caches the JWKS) for every server of this process.
  const auth = {
    disabled: config.auth === 'disabled',
    jwt: createJwtVerifier({ secret: config.jwtSecret, jwksUrl: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience }),
  };
  const servers: ListeningServer[] = [];
  const synced = async (report: DeployReport) => {
    await syncDeployedSchedules(deps, report, logger);
    await syncDeployedTableSubscriptions(deps, report, logger);
    return report;
  };
  let housekeeping: NodeJS.Timeout | null = null;
  /** The last deploy of each folder: what a redeploy that archives removed files compares with. */
  const lastDeploys = new Map<string, DeployReport>();
  const engine: Engine = {
    sql, deps, registry, databaseUrl, url: null,
    resource(name, handler) {
      registry.register(name, handler);
      return engine;
    },
    async deployWorkflows(dir = config.workflowsDir, deployOptions = {}) {
      const report = await synced(await deployDirectory(deps, dir, {
        isKnownResource: (name) => registry.has(name),
        workflowSettings: config.workflowSettings,
        limits: config.limits,
        checkTriggers: (workflow) => checkTableTriggers(deps, workflow.name, workflow.triggers),
      }));
      const previous = lastDeploys.get(dir);
      lastDeploys.set(dir, report);
      const gone = deployOptions.archiveRemoved && previous ? workflowsGone(previous, report) : [];
      return { ...report, removed: await Promise.all(gone.map((name) => removeWorkflow(deps, name))) };
    },
    async deploySources(sources) {
      return synced(await deployWorkflowSources(deps, sources, {
        isKnownResource: (name) => registry.has(name),
        workflowSettings: config.workflowSettings,
        limits: config.limits,
        checkTriggers: (workflow) => checkTableTriggers(deps, workflow.name, workflow.triggers),
      }));
    },
    api(apiOptions = {}) {
      const app = createApp({ ...deps, logger, readiness: () => readiness.check(), metrics: metricsRegistry, auth, ...(apiOptions.dashboard === false ? { dashboardDir: null } : {}) });
      return (request) => app.fetch(request);
    },
    async serve(serveOptions = {}) {
      if (auth.disabled) logger.warn({}, 'NIGHTSHIFT_AUTH=disabled: the HTTP API lets every request through as an admin');
      const app = createApp({ ...deps, logger, readiness: () => readiness.check(), metrics: metricsRegistry, auth });
      const server = await listen(app, { port: serveOptions.port ?? config.port, host: serveOptions.host ?? config.host });
      servers.push(server);
      return server.url;
    },
    async serveOps(opsOptions) {
      const app = createOpsApp({ readiness: () => readiness.check(), metrics: metricsRegistry, logger });
      const server = await listen(app, { port: opsOptions.port, host: opsOptions.host ?? config.host });
      servers.push(server);
      return server.url;
    },
    async flushTraces() {
      await tracing?.flush();
    },
    async stop(stopOptions = {}) {
      const graceMs = stopOptions.graceMs ?? config.shutdownGraceMs;
      if (housekeeping) clearInterval(housekeeping);
      // Open requests and running tasks drain side by side, each within the grace.
      const [, stopped] = await Promise.all([
        Promise.all(servers.splice(0).map((server) => server.close(graceMs).catch(() => {}))),
        runtime.stop(graceMs),
      ]);
      transient.close();
      await closeDatabase();
      return stopped;
    },
  };
  try {
    // The port first: if it is taken, no worker has claimed anything yet.
    if (options.listen) (engine as { url: string | null }).url = await engine.serve(options.listen);
    await runtime.start(jobHandlers);
  } catch (e) {
    await engine.stop({ graceMs: 0 });
    throw e;
  }
  if (options.workers !== false) housekeeping = startHousekeeping(deps, config, logger);
  return engine;
}

interface Parts {
  registry: ResourceRegistry;
  runtime: DurableRuntime;
  deps: ServiceDeps;
  transient: MemoryRunner;
  jobHandlers: Readonly<Record<string, JobHandler>>;
}

/** Migrations, resources (the handlers module included), the runtime (not started) and the service deps. */
async function prepare(
  options: EngineOptions, sql: Sql, logger: Logger, addIntegrations: (registry: ResourceRegistry) => ResourceRegistry,
  telemetry: { metrics: EngineMetrics; tracer?: EngineTracer },
): Promise<Parts> {
  const { config } = options;
  await migrateSchema(config, sql, logger);

  const http = httpOptionsOf(config, options.localDevelopment ?? false);
  const registry = addIntegrations(registerBuiltinResources(new ResourceRegistry(), { http }));
  if (config.handlersModule) await registerHandlersModule(registry, config.handlersModule);
  for (const [name, handler] of Object.entries(options.resources ?? {})) registry.register(name, handler);

  const runtime = new DurableRuntime({
    sql, registry, logger, clock: systemClock, metrics: telemetry.metrics, tracer: telemetry.tracer,
    concurrency: options.workers === false ? 0 : config.concurrency,
    leaseMs: config.leaseMs, pollMs: config.pollMs, maxHistoryEvents: config.limits.maxHistoryEvents, resources: config.serves,
    eagerDispatch: config.eagerDispatch,
  });
  const transient = new MemoryRunner({ registry, clock: systemClock });
  const deps: ServiceDeps = { sql, runtime, clock: systemClock, transient, transientRuns: new Map(), limits: config.limits, roles: config.roles };
  registerWorkflowResources(registry, deps);
  // The trigger job kinds' handlers need the service deps (which need the runtime): the worker is built
  // with them when the runtime starts, never filled in afterwards.
  const jobHandlers: Record<string, JobHandler> = {
    ...cronJobHandlers(deps), ...tableChangeJobHandlers(deps, { logger }), ...scheduledRunJobHandlers(deps), ...flowControlJobHandlers(deps),
  };
  return { registry, runtime, deps, transient, jobHandlers };
}

/** Hourly housekeeping in processes that run workers: retention (executions, scheduled runs and lists), and start-rate buckets that are full again. */
function startHousekeeping(deps: ServiceDeps, config: Readonly<Config>, logger: Logger): NodeJS.Timeout {
  const days = config.retentionDays;
  const sweep = async () => {
    if (days !== null) {
      const began = Date.now();
      const removed = await removeOldExecutions(deps, days).catch((e) => logger.warn({ error: String(e) }, 'retention sweep failed'));
      // Its time is what docs/scaling.md compares with the database's CPU to tell when partitioning would pay.
      if (removed) logger.info({ removed, days, ms: Date.now() - began }, 'removed old executions');
      const scheduled = await removeOldScheduledRuns(deps, days).catch((e) => logger.warn({ error: String(e) }, 'scheduled-run retention sweep failed'));
      if (scheduled && scheduled.runs + scheduled.batches > 0) logger.info({ ...scheduled, days }, 'removed old scheduled runs');
    }
    await removeIdleRateBuckets(deps).catch((e) => logger.warn({ error: String(e) }, 'rate bucket sweep failed'));
  };
  void sweep();
  const timer = setInterval(() => void sweep(), 3_600_000);
  timer.unref();
  return timer;
}
