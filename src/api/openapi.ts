/** The OpenAPI 3.1 document, generated from the route table and its zod schemas. */
import { z } from 'zod';
import { errorCodes, type ErrorCode } from '../shared/index.ts';
import { accessErrors, securityOf, securitySchemes } from './auth.ts';
import type { Route, RouteResponse } from './route.ts';
import { components } from './schemas.ts';

type JsonSchema = Record<string, unknown>;
type ParameterPlace = 'path' | 'query' | 'header';

const componentUri = (id: string) => `#/components/schemas/${id}`;

export function openApiDocument(routes: Route[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nightshift',
      version,
      description: 'Start, inspect, stop and redrive workflow executions; answer task tokens. Every error is '
        + '{error: {code, message, details}} with a stable code; ROUTE_NOT_FOUND (404) answers any path not listed here.',
    },
    paths,
    components: { schemas: componentSchemas(), securitySchemes },
  };
}

function operation(route: Route): JsonSchema {
  const parameters = [
    ...parametersOf(route.params, 'path'),
    ...parametersOf(route.query, 'query'),
    ...(route.queryPatterns ?? []).map((p) => ({ name: p.name, in: 'query', required: false, description: p.description, schema: { type: 'string' }, example: p.example, 'x-nightshift-pattern': true })),
    ...parametersOf(route.headers, 'header'),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) responses[status] = responseOf(response);
  for (const [status, codes] of errorStatuses(route)) {
    responses[String(status)] = {
      description: `Error: ${codes.join(', ')}`,
      content: { 'application/json': { schema: { $ref: componentUri('Error') } } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...securityOf(route.auth),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: route.body.required, description: route.body.description, content: { 'application/json': { schema: schemaOf(route.body.schema) } } } }
      : {}),
    responses,
  };
}

function parametersOf(schema: z.ZodObject | undefined, place: ParameterPlace): JsonSchema[] {
  return Object.entries(schema?.shape ?? {}).map(([name, field]) => {
    const { description, ...fieldSchema } = schemaOf(field as z.ZodType);
    return {
      name,
      in: place,
      required: place === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(description === undefined ? {} : { description }),
      schema: fieldSchema,
    };
  });
}

function responseOf(response: RouteResponse): JsonSchema {
  const contentType = response.contentType ?? 'application/json';
  const schema = response.schema ? schemaOf(response.schema) : { type: 'string' };
  return { description: response.description, content: { [contentType]: { schema } } };
}

/** Input validation and the body cap apply to every route that reads input; any route may fail unexpectedly. */
function errorStatuses(route: Route): Map<number, string[]> {
  // Every route refuses unknown query parameters, so every route may answer INPUT_INVALID.
  const codes: ErrorCode[] = [...accessErrors(route.auth), ...route.errors, 'INPUT_INVALID'];
  // A body may be over the request cap, nest too deep, or carry an input or output over the 256 KiB payload limit.
  if (route.body) codes.push('REQUEST_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'INPUT_TOO_DEEP');
  // Every route but the system ones reads the database, which may be out of reach (503, Retry-After).
  if (route.tag !== 'system') codes.push('DATABASE_UNAVAILABLE');
  codes.push('INTERNAL');
  const byStatus = new Map<number, string[]>();
  for (const code of new Set(codes)) {
    const status = errorCodes[code].http;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

/** A named component is referenced; anything else is inlined. Input io: the document describes what clients send. */
function schemaOf(schema: z.ZodType): JsonSchema {
  const id = components.get(schema)?.id;
  if (id) return { $ref: componentUri(id) };
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  return rest;
}

function componentSchemas(): Record<string, JsonSchema> {
  const generated = z.toJSONSchema(components, { io: 'input', uri: componentUri }).schemas as Record<string, JsonSchema>;
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(generated)) {
    const { $schema: _schema, $id: _id, ...rest } = schema;
    schemas[id] = rest;
  }
  return schemas;
}
