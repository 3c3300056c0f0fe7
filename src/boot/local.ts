/**
 * The composition root for in-process runs (`nightshift execute`, transient mode): the resource registry
 * with the built-ins, the project's integrations (smtp, named resources, secrets) and any handlers module,
 * and the in-memory runner on a real or virtual clock.
 */
import type { Config } from '../config/index.ts';
import { registerBuiltinResources, ResourceRegistry, type SecretSource } from '../resources/index.ts';
import { MemoryRunner } from '../runtime/index.ts';
import { registerHandlersModule } from './handlers-module.ts';
import { httpOptionsOf, prepareIntegrations } from './integrations.ts';

export interface LocalEngineOptions {
  handlersModule?: string;
  /** Waits and retry intervals elapse at once when nothing else is running (testing a workflow's logic). */
  virtualTime?: boolean;
  /** The project's configuration: its `smtp:` and `resources:` are registered. */
  config?: Readonly<Config>;
  /** Where `${secrets.NAME}` / `${env.NAME}` come from; default: NIGHTSHIFT_SECRET_<NAME>, then the `secrets:` file. */
  secrets?: SecretSource;
}

export interface LocalEngine {
  registry: ResourceRegistry;
  runner: MemoryRunner;
  close(): void;
}

export async function createLocalEngine(options: LocalEngineOptions = {}): Promise<LocalEngine> {
  // `execute` is local development: loopback and private networks are reachable unless nightshift.yaml says no.
  const http = options.config ? httpOptionsOf(options.config, true) : { allowPrivateNetworks: true };
  const registry = registerBuiltinResources(new ResourceRegistry(), { http });
  if (options.config) prepareIntegrations(options.config, options.secrets)(registry);
  if (options.handlersModule) await registerHandlersModule(registry, options.handlersModule);
  const runner = new MemoryRunner({ registry, virtualTime: options.virtualTime ?? false });
  return { registry, runner, close: () => runner.close() };
}
