/**
 * In-code handlers from a module file: it exports `resources` (or a default export) mapping resource
 * names to functions `(input, context) => output`. This is how `nightshift execute --handlers` and
 * `nightshift.yaml`'s `handlers:` register code without embedding the engine.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceHandler, ResourceRegistry } from '../resources/index.ts';
import { EngineError } from '../shared/index.ts';

/**
 * `fresh`: import the file anew (a cache-busting query), so `dev` picks up an edited module. The names
 * it exports replace the module's previous ones: a name it no longer exports is no longer served
 * (`removed`; ResourceRegistry.replaceGroup). Only the module itself is read again: what it imports
 * stays as Node's module cache has it.
 */
export async function registerHandlersModule(registry: ResourceRegistry, file: string, options: { fresh?: boolean } = {}): Promise<{ names: string[]; removed: string[] }> {
  let module: Record<string, unknown>;
  const url = pathToFileURL(resolve(file)).href + (options.fresh ? `?reload=${Date.now()}` : '');
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new EngineError('CONFIG_INVALID', `Cannot load the handlers module ${file}: ${(e as Error).message}`, { cause: e });
  }
  const table = (module.resources ?? module.default) as Record<string, unknown> | undefined;
  if (!table || typeof table !== 'object') {
    throw new EngineError('CONFIG_INVALID', `The handlers module ${file} must export \`resources\`: an object of name → function`);
  }
  for (const [name, handler] of Object.entries(table)) {
    if (typeof handler !== 'function') {
      throw new EngineError('CONFIG_INVALID', `The handler ${JSON.stringify(name)} in ${file} is not a function`);
    }
  }
  const removed = registry.replaceGroup(resolve(file), table as Record<string, ResourceHandler>);
  return { names: Object.keys(table), removed };
}
