/**
 * Configuration, read once: environment variables and the project's `nightshift.yaml`, into a frozen,
 * fully defaulted object. Every problem is listed at once. Only this folder reads process.env.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { defaultActingRoles, defaultLimits, EngineError, type Limits } from '../shared/index.ts';
import { integrationProblems, resourcesSchema, smtpConfigOf, smtpSchema, type ResourcePresetConfig, type SmtpConfig } from './integrations.ts';

export interface Config {
  /** The project folder: holds nightshift.yaml and workflows/. */
  projectDir: string;
  workflowsDir: string;
  /** Null: start an embedded Postgres with its data in `dataDir`. */
  databaseUrl: string | null;
  /**
   * DATABASE_DIRECT_URL: a connection that bypasses a transaction-mode pooler (PgBouncer, Supavisor), for
   * LISTEN and migrations. Setting it makes `databasePooled` default to true (docs/deploy.md).
   */
  databaseDirectUrl: string | null;
  /**
   * NIGHTSHIFT_DATABASE_POOLED: DATABASE_URL goes through a transaction-mode pooler, so statements are
   * never prepared by name and, without a direct URL, nothing LISTENs (workers poll every pollMs).
   */
  databasePooled: boolean;
  /** NIGHTSHIFT_POOL_SIZE / `poolSize:`: statement connections this process opens at most (docs/configuration.md has the budget). */
  poolSize: number;
  /**
   * OpenTelemetry: `endpoint` is where spans go over OTLP/HTTP (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or
   * OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces); null: tracing off and the SDK never loaded.
   */
  tracing: { endpoint: string | null; serviceName: string };
  /** NIGHTSHIFT_WORKER_PORT / `workerPort:`: where `nightshift worker` answers /healthz, /readyz and /metrics; null: no listener. */
  workerPort: number | null;
  dataDir: string;
  host: string;
  port: number;
  /** Resource calls a worker process runs at once; answered calls wait for their commit without a slot (docs/configuration.md). */
  concurrency: number;
  /** `serves` / NIGHTSHIFT_SERVES: the resources this process's worker serves (`activity:*` for a family); null: every registered one. */
  serves: readonly string[] | null;
  leaseMs: number;
  pollMs: number;
  /** Task calls this process's own steps create run at once on its worker when it has room (eager dispatch); false queues them all. */
  eagerDispatch: boolean;
  /** Stopped executions older than this are deleted; null keeps them. */
  retentionDays: number | null;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** How long serve, worker and dev wait for an unreachable Postgres at start before they give up (retrying with backoff). */
  databaseWaitMs: number;
  /** On SIGTERM/SIGINT, how long running tasks get to finish before their leases are handed back and the process exits. */
  shutdownGraceMs: number;
  /** A module exporting `resources` (in-code handlers), relative to the project. */
  handlersModule: string | null;
  /** `smtp:`: the server email:send uses; null when not configured (then there is no email:send). */
  smtp: SmtpConfig | null;
  /** `resources:`: named presets by resource name (src/resources/named.ts has the merge rule). */
  resources: Readonly<Record<string, ResourcePresetConfig>>;
  /** `secrets:`: a YAML file of secret values, absolute (src/config/secrets.ts). */
  secretsFile: string | null;
  /**
   * NIGHTSHIFT_AUTH: `enforced` (default) checks API keys and JWTs on every route; `disabled` lets every
   * request through as an admin (local experiments only; refused when NODE_ENV=production).
   */
  auth: 'enforced' | 'disabled';
  /** NIGHTSHIFT_JWT_SECRET: verifies HS256 JWTs (Supabase's JWT secret); at least 32 characters. */
  jwtSecret: string | null;
  /** NIGHTSHIFT_JWKS_URL: verifies RS256/ES256 JWTs with the keys published there. */
  jwksUrl: string | null;
  /** NIGHTSHIFT_JWT_ISSUER / NIGHTSHIFT_JWT_AUDIENCE: when set, a JWT's iss / aud must match. */
  jwtIssuer: string | null;
  jwtAudience: string | null;
  /**
   * `http:`: where http:invoke may connect (src/resources/address-policy.ts, docs/configuration.md).
   * `allowPrivateNetworks` null: the command's default (dev and execute allow them; serve, worker and the
   * library do not).
   */
  http: Readonly<HttpPolicyConfig>;
  /**
   * `workflows:`: settings of workflows written as plain ASL files (as copied from a post or exported from
   * AWS), by workflow name: the wrapper's fields but name and definition (triggers, mode, auth, …).
   */
  workflowSettings: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** `limits:`: request and page sizes, list length, chain depth and budget, key start rate (docs/limits.md); each defaulted. */
  limits: Readonly<Limits>;
  /** `roles:`: the Postgres roles JWTs, API keys and triggers may act as (default anon, authenticated); superuser and BYPASSRLS roles are refused even when listed. */
  roles: readonly string[];
}

const count = (max: number) => z.number().int().min(1).max(max);

/** `limits:` in nightshift.yaml: any of the limits, each a whole number (keyStartsPerMinute may be null: none). */
const limitsSchema = z
  .object({
    maxRequestBytes: count(1024 ** 3),
    maxListRequestBytes: count(1024 ** 3),
    maxPageSize: count(100_000),
    maxHistoryPageSize: count(1_000_000),
    maxListItems: count(10_000_000),
    maxDepth: count(1_000_000),
    maxRunsPerChain: count(1_000_000_000),
    keyStartsPerMinute: count(1_000_000).nullable(),
    maxHistoryEvents: count(100_000_000),
    maxDefinitionBytes: count(1024 ** 3),
    maxDefinitionStates: count(10_000_000),
  })
  .partial()
  .strict();

/** `http:` in nightshift.yaml: hosts, addresses or CIDRs to allow or deny, and the private-network switch. */
const httpSchema = z
  .object({
    allow: z.array(z.string().min(1)).optional(),
    deny: z.array(z.string().min(1)).optional(),
    allowPrivateNetworks: z.boolean().optional(),
  })
  .strict();

export interface HttpPolicyConfig {
  allow: readonly string[];
  deny: readonly string[];
  allowPrivateNetworks: boolean | null;
}

const fileSchema = z
  .object({
    handlers: z.string().optional(),
    concurrency: z.number().int().min(0).max(1000).optional(),
    eagerDispatch: z.boolean().optional(),
    serves: z.array(z.string().min(1)).min(1).optional(),
    retentionDays: z.number().positive().nullable().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    workerPort: z.number().int().min(0).max(65535).optional(),
    poolSize: z.number().int().min(2).max(1000).optional(),
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
    databaseWaitSeconds: z.number().min(0).max(86_400).optional(),
    shutdownGraceSeconds: z.number().min(0).max(86_400).optional(),
    resources: resourcesSchema.optional(),
    smtp: smtpSchema.optional(),
    secrets: z.string().min(1).optional(),
    defaults: z.record(z.string(), z.unknown()).optional(),
    limits: limitsSchema.optional(),
    roles: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, 'a Postgres role name')).min(1).optional(),
    http: httpSchema.optional(),
    workflows: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .strict();

const envNumber = (name: string, value: string | undefined, problems: string[]): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) problems.push(`${name} must be a number, got ${JSON.stringify(value)}`);
  return n;
};

const envBoolean = (name: string, value: string | undefined, problems: string[]): boolean | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  problems.push(`${name} must be true or false, got ${JSON.stringify(value)}`);
  return undefined;
};

/** A number of seconds from the environment: at least 0, at most a day. */
const envSeconds = (name: string, env: NodeJS.ProcessEnv, problems: string[]): number | undefined => {
  const n = envNumber(name, env[name], problems);
  if (n !== undefined && Number.isFinite(n) && (n < 0 || n > 86_400)) problems.push(`${name} must be between 0 and 86400 seconds, got ${n}`);
  return n;
};

export function loadConfig(options: { projectDir?: string; env?: NodeJS.ProcessEnv; overrides?: Partial<Config> } = {}): Readonly<Config> {
  const env = options.env ?? process.env;
  const projectDir = resolve(options.projectDir ?? '.');
  const problems: string[] = [];
  let file: z.infer<typeof fileSchema> = {};
  const filePath = join(projectDir, 'nightshift.yaml');
  if (existsSync(filePath)) {
    try {
      const parsed = fileSchema.safeParse(parse(readFileSync(filePath, 'utf8')) ?? {});
      if (parsed.success) file = parsed.data;
      else for (const issue of parsed.error.issues) problems.push(`${filePath}: /${issue.path.join('/')}: ${issue.message}`);
    } catch (e) {
      problems.push(`${filePath}: ${(e as Error).message}`);
    }
  }
  // NIGHTSHIFT_LOG_LEVEL wins; LOG_LEVEL is the older name, still read.
  const levelName = env.NIGHTSHIFT_LOG_LEVEL ? 'NIGHTSHIFT_LOG_LEVEL' : 'LOG_LEVEL';
  const logLevel = env.NIGHTSHIFT_LOG_LEVEL || env.LOG_LEVEL || file.logLevel || 'info';
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) problems.push(`${levelName} must be debug, info, warn, error or silent, got ${JSON.stringify(logLevel)}`);
  const concurrency = envNumber('NIGHTSHIFT_CONCURRENCY', env.NIGHTSHIFT_CONCURRENCY, problems) ?? file.concurrency ?? 32;
  const database = databaseSettings(env, problems);
  const poolSize = envNumber('NIGHTSHIFT_POOL_SIZE', env.NIGHTSHIFT_POOL_SIZE, problems) ?? file.poolSize ?? defaultPoolSize(concurrency);
  if (!Number.isInteger(poolSize) || poolSize < 2) problems.push(`NIGHTSHIFT_POOL_SIZE must be a whole number of at least 2, got ${poolSize}`);
  const workerPort = envNumber('NIGHTSHIFT_WORKER_PORT', env.NIGHTSHIFT_WORKER_PORT, problems) ?? file.workerPort ?? null;
  if (workerPort !== null && !(Number.isInteger(workerPort) && workerPort >= 0 && workerPort <= 65535)) problems.push(`NIGHTSHIFT_WORKER_PORT must be a port number (0-65535), got ${workerPort}`);
  const auth = authSettings(env, problems);
  const config: Config = {
    projectDir,
    workflowsDir: join(projectDir, 'workflows'),
    databaseUrl: env.DATABASE_URL || null,
    ...database,
    poolSize,
    workerPort,
    tracing: tracingSettings(env, problems),
    dataDir: resolve(projectDir, env.NIGHTSHIFT_DATA_DIR ?? '.nightshift'),
    host: env.NIGHTSHIFT_HOST ?? '127.0.0.1',
    port: envNumber('PORT', env.PORT, problems) ?? file.port ?? 3000,
    concurrency,
    serves: servesOf(env.NIGHTSHIFT_SERVES, file.serves, problems),
    leaseMs: envNumber('NIGHTSHIFT_LEASE_MS', env.NIGHTSHIFT_LEASE_MS, problems) ?? 30_000,
    pollMs: envNumber('NIGHTSHIFT_POLL_MS', env.NIGHTSHIFT_POLL_MS, problems) ?? 1_000,
    eagerDispatch: envBoolean('NIGHTSHIFT_EAGER_DISPATCH', env.NIGHTSHIFT_EAGER_DISPATCH, problems) ?? file.eagerDispatch ?? true,
    retentionDays: envNumber('NIGHTSHIFT_RETENTION_DAYS', env.NIGHTSHIFT_RETENTION_DAYS, problems) ?? file.retentionDays ?? 30,
    logLevel: logLevel as Config['logLevel'],
    databaseWaitMs: 1000 * (envSeconds('NIGHTSHIFT_DATABASE_WAIT_SECONDS', env, problems) ?? file.databaseWaitSeconds ?? 60),
    shutdownGraceMs: 1000 * (envSeconds('NIGHTSHIFT_SHUTDOWN_GRACE_SECONDS', env, problems) ?? file.shutdownGraceSeconds ?? 10),
    handlersModule: file.handlers ? resolve(projectDir, file.handlers) : null,
    smtp: smtpConfigOf(file.smtp),
    resources: file.resources ?? {},
    secretsFile: file.secrets ? resolve(projectDir, file.secrets) : null,
    ...auth,
    limits: Object.freeze({ ...defaultLimits, ...file.limits }),
    roles: Object.freeze([...(file.roles ?? defaultActingRoles)]),
    http: Object.freeze({ allow: file.http?.allow ?? [], deny: file.http?.deny ?? [], allowPrivateNetworks: file.http?.allowPrivateNetworks ?? null }),
    workflowSettings: file.workflows ?? {},
    ...options.overrides,
  };
  for (const problem of integrationProblems(file, config.secretsFile)) problems.push(`${filePath}: ${problem}`);
  if (problems.length > 0) {
    throw new EngineError('CONFIG_INVALID', `The configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`, { details: { problems } });
  }
  return Object.freeze(config);
}

/** NIGHTSHIFT_SERVES is a comma-separated list (`render,activity:*`); it wins over the file's `serves:`. */
function servesOf(value: string | undefined, file: readonly string[] | undefined, problems: string[]): readonly string[] | null {
  if (value === undefined || value.trim() === '') return file ? Object.freeze([...file]) : null;
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) problems.push(`NIGHTSHIFT_SERVES must be resource names separated by commas, got ${JSON.stringify(value)}`);
  return Object.freeze(names.filter((name) => name !== ''));
}

/**
 * Statement connections by default: the worker's slots each hold one only while a step or a claim
 * runs, so a few more than the slots up to 20; 4 at least for the API, the listener's checks and the
 * housekeeping.
 */
function defaultPoolSize(concurrency: number): number {
  return Math.max(4, Math.min(20, concurrency + 2));
}

function tracingSettings(env: NodeJS.ProcessEnv, problems: string[]): Config['tracing'] {
  const serviceName = env.OTEL_SERVICE_NAME || 'nightshift';
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || null;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT || null;
  const endpoint = traces ?? (base === null ? null : `${base.replace(/\/+$/, '')}/v1/traces`);
  if (endpoint !== null && !/^https?:\/\/\S+$/.test(endpoint)) {
    problems.push(`${traces ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'} must be an http(s) URL, got ${JSON.stringify(traces ?? base)}`);
  }
  if (env.OTEL_TRACES_EXPORTER === 'none') return { endpoint: null, serviceName };
  return { endpoint, serviceName };
}

function databaseSettings(env: NodeJS.ProcessEnv, problems: string[]): Pick<Config, 'databaseDirectUrl' | 'databasePooled'> {
  const databaseDirectUrl = env.DATABASE_DIRECT_URL || null;
  if (databaseDirectUrl !== null && !env.DATABASE_URL) problems.push('DATABASE_DIRECT_URL is set without DATABASE_URL: set both (the pooled one in DATABASE_URL)');
  const pooled = env.NIGHTSHIFT_DATABASE_POOLED;
  if (pooled !== undefined && pooled !== '' && pooled !== 'true' && pooled !== 'false') problems.push(`NIGHTSHIFT_DATABASE_POOLED must be true or false, got ${JSON.stringify(pooled)}`);
  return { databaseDirectUrl, databasePooled: pooled === 'true' || ((pooled === undefined || pooled === '') && databaseDirectUrl !== null) };
}

function authSettings(env: NodeJS.ProcessEnv, problems: string[]): Pick<Config, 'auth' | 'jwtSecret' | 'jwksUrl' | 'jwtIssuer' | 'jwtAudience'> {
  const auth = env.NIGHTSHIFT_AUTH || 'enforced';
  if (auth !== 'enforced' && auth !== 'disabled') problems.push(`NIGHTSHIFT_AUTH must be enforced or disabled, got ${JSON.stringify(auth)}`);
  if (auth === 'disabled' && env.NODE_ENV === 'production') problems.push('NIGHTSHIFT_AUTH=disabled is refused when NODE_ENV=production: create an API key instead');
  const jwtSecret = env.NIGHTSHIFT_JWT_SECRET || null;
  // HS256 with a short secret can be brute-forced offline from one token.
  if (jwtSecret !== null && jwtSecret.length < 32) problems.push('NIGHTSHIFT_JWT_SECRET must be at least 32 characters');
  const jwksUrl = env.NIGHTSHIFT_JWKS_URL || null;
  if (jwksUrl !== null && !/^https?:\/\/[^\s]+$/.test(jwksUrl)) problems.push(`NIGHTSHIFT_JWKS_URL must be an http(s) URL, got ${JSON.stringify(jwksUrl)}`);
  return {
    auth: auth as Config['auth'],
    jwtSecret,
    jwksUrl,
    jwtIssuer: env.NIGHTSHIFT_JWT_ISSUER || null,
    jwtAudience: env.NIGHTSHIFT_JWT_AUDIENCE || null,
  };
}
