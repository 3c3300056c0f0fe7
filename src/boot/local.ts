/**
 * The composition root for in-process runs (`nightshift execute`, transient mode): the resource registry
 * with the built-ins and any handlers module, and the in-memory runner on a real or virtual clock.
 */
import { registerBuiltinResources, ResourceRegistry } from '../resources/index.ts';
import { MemoryRunner } from '../runtime/index.ts';
import { registerHandlersModule } from './handlers-module.ts';

export interface LocalEngineOptions {
  handlersModule?: string;
  /** Waits and retry intervals elapse at once when nothing else is running (testing a workflow's logic). */
  virtualTime?: boolean;
}

export interface LocalEngine {
  registry: ResourceRegistry;
  runner: MemoryRunner;
  close(): void;
}

export async function createLocalEngine(options: LocalEngineOptions = {}): Promise<LocalEngine> {
  const registry = registerBuiltinResources(new ResourceRegistry());
  if (options.handlersModule) await registerHandlersModule(registry, options.handlersModule);
  const runner = new MemoryRunner({ registry, virtualTime: options.virtualTime ?? false });
  return { registry, runner, close: () => runner.close() };
}
