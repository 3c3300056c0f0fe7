/**
 * The composition root for in-process runs (`nightshift execute`, transient mode): the resource registry
 * with the built-ins, the project's integrations (smtp, named resources, secrets) and any handlers module,
 * and the in-memory runner on a real or virtual clock.
 */
import type { Config } from '../config/index.ts';
import { registerBuiltinResources, ResourceRegistry, type SecretSource } from '../resources/index.ts';
import { MemoryRunner } from '../runtime/index.ts';
import type { Clock } from '../shared/index.ts';
import { registerHandlersModule } from './handlers-module.ts';
import { prepareIntegrations } from './integrations.ts';

export interface LocalEngineOptions {
  handlersModule?: string;
  /** Waits and retry intervals elapse at once when nothing else is running (testing a workflow's logic). */
  virtualTime?: boolean;
  /** The project's configuration: its `smtp:` and `resources:` are registered. */
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
  close(): void;
}

export async function createLocalEngine(options: LocalEngineOptions = {}): Promise<LocalEngine> {
  const registry = options.builtins === false ? new ResourceRegistry() : registerBuiltinResources(new ResourceRegistry());
  if (options.config) prepareIntegrations(options.config, options.secrets)(registry);
  if (options.handlersModule) await registerHandlersModule(registry, options.handlersModule);
  const runner = new MemoryRunner({ registry, virtualTime: options.virtualTime ?? false, keepHistory: options.keepHistory, clock: options.clock });
  return { registry, runner, close: () => runner.close() };
}
