/** The resources every engine has, whatever it is embedded in. */
import { createAwsHttpResource, createHttpResource, type HttpResourceOptions } from './http.ts';
import type { ResourceRegistry } from './registry.ts';
import { sqlQuery, sqlQueryOutsideSteps } from './sql.ts';

export interface BuiltinOptions {
  http?: HttpResourceOptions;
}

export function registerBuiltinResources(registry: ResourceRegistry, options: BuiltinOptions = {}): ResourceRegistry {
  return registry
    .registerTransactional('sql:query', sqlQuery, sqlQueryOutsideSteps)
    .register('http:invoke', createHttpResource(options.http))
    .register('arn:aws:states:::http:invoke', createAwsHttpResource(options.http));
}
