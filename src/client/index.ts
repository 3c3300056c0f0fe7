/** The `nightshift/client` entry: a typed client of the HTTP API (types generated from /openapi.json). */
export * from './client.ts';
export type { components, operations, paths } from './openapi.ts';
