/** The resources every engine has, whatever it is embedded in. */
import type { ResourceRegistry } from './registry.ts';

export function registerBuiltinResources(registry: ResourceRegistry): ResourceRegistry {
  return registry;
}
