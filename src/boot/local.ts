/**
 * The composition root for in-process runs (`nightshift execute`, transient mode): the resource registry
 * with the built-ins, the project's integrations (smtp, named resources, secrets) and any handlers module,
 * and the in-memory runner on a real or virtual clock. With DATABASE_URL, sql:query (and sql presets) run
 * against that database, each call in a transaction of its own under the identity rules; without it they
 * fail saying so.
 */
import type { Config } from '../config/index.ts';
import { registerBuiltinResources, ResourceRegistry, sqlQuery, TaskFailure, type SecretSource } from '../resources/index.ts';
import { createSqlQueryInOwnTransaction, MemoryRunner } from '../runtime/index.ts';
import { connect, type Sql } from '../store/index.ts';
import type { Clock } from '../shared/index.ts';
import { registerHandlersModule } from './handlers-module.ts';
import { httpOptionsOf, prepareIntegrations } from './integrations.ts';

export interface LocalEngineOptions {
  handlersModule?: string;
  /** Waits and retry intervals elapse at once when nothing else is running (testing a workflow's logic). */
  virtualTime?: boolean;
  /** The project's configuration: its `smtp:` and `resources:` are registered, its `databaseUrl` serves sql:query. */
  config?: Readonly<Config>;
  /** Where `${secrets.NAME}` / `${env.NAME}` come from; default: NIGHTSHIFT_SECRET_<NAME>, then the `secrets:` file. */
  secrets?: SecretSource;
  /** Register the built-in resources (http:invoke, sql:query, email:send…); default true. nightshift/testing leaves them out. */
  builtins?: boolean;
  /** Keep every history event in each result (nightshift/testing reads the path from it). */
  keepHistory?: boolean;
  /** Where time starts; default the system clock. */
  clock?: Clock;
}

export interface LocalEngine {
  registry: ResourceRegistry;
  runner: MemoryRunner;
  /** Sets how sql:query runs for the workflow about to run: as the engine's role under ignorePrivacyRules, else as the execution's role. */
  useSqlRules(workflow: { ignorePrivacyRules: boolean }): void;
  close(): Promise<void>;
}

const noDatabase = () => {
  throw new TaskFailure('Sql.NoDatabase', 'sql:query needs DATABASE_URL when run by nightshift execute: set it to the database the workflow queries');
};

const noRoleHint =
  'This execution has no role to run SQL as: give one with --role (and --claims), or mark the workflow ignorePrivacyRules: true';

export async function createLocalEngine(options: LocalEngineOptions = {}): Promise<LocalEngine> {
  // `execute` is local development: loopback and private networks are reachable unless nightshift.yaml says no.
  const http = options.config ? httpOptionsOf(options.config, true) : { allowPrivateNetworks: true };
  const builtins = options.builtins !== false;
  const registry = builtins ? registerBuiltinResources(new ResourceRegistry(), { http }) : new ResourceRegistry();
  const databaseUrl = builtins ? (options.config?.databaseUrl ?? null) : null;
  // postgres.js connects at the first query: a run that never queries opens no connection.
  // Through a transaction-mode pooler nothing may be prepared by name; this process never listens.
  const pooled = options.config?.databasePooled ?? false;
  const sql: Sql | null = databaseUrl ? connect(databaseUrl, { max: 2, applicationName: 'nightshift-execute', prepare: !pooled }) : null;
  const useSqlRules = (workflow: { ignorePrivacyRules: boolean }) => {
    registry.register('sql:query', sql
      ? createSqlQueryInOwnTransaction(sql, sqlQuery, { ignorePrivacyRules: workflow.ignorePrivacyRules, noIdentityHint: noRoleHint })
      : noDatabase);
  };
  if (builtins) useSqlRules({ ignorePrivacyRules: false });
  if (options.config) prepareIntegrations(options.config, options.secrets)(registry);
  if (options.handlersModule) await registerHandlersModule(registry, options.handlersModule);
  const runner = new MemoryRunner({ registry, virtualTime: options.virtualTime ?? false, keepHistory: options.keepHistory, clock: options.clock });
  return {
    registry,
    runner,
    useSqlRules,
    close: async () => {
      runner.close();
      await sql?.end({ timeout: 5 });
    },
  };
}
