/**
 * A route is data: its path, schemas, responses and error codes. `mount` turns it into a Hono handler
 * that validates every input first; `openapi.ts` turns the same data into the OpenAPI document.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Access, Identity } from '../service/index.ts';
import { EngineError, exceedsJsonTextDepth, maxJsonDepth, type ErrorCode } from '../shared/index.ts';
import type { Guard } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { findUnstorable } from './storable.ts';
import { bodyText } from './request-body.ts';

type ObjectSchema = z.ZodObject;
type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteResponse {
  description: string;
  /** A response schema from schemas.ts; absent for non-JSON bodies. */
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface RouteInput<P, Q, H, B> {
  context: Context;
  deps: ApiDeps;
  params: Parsed<P>;
  query: Parsed<Q>;
  headers: Parsed<H>;
  body: Parsed<B>;
  /** Who is calling (auth.ts); null on public routes. */
  identity: Identity | null;
}

export interface RouteSpec<P, Q, H, B> {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI form: `/v1/executions/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /**
   * What the caller needs (auth.ts): 'public', 'authenticated' (any valid key or JWT), a scope ('read',
   * 'tasks', 'admin'), or `{ start: 'path.name' }` (may start the workflow named there, by its `auth`).
   * Absent: 'admin'.
   */
  auth?: Access;
  params?: P;
  query?: Q;
  /** Query parameters named by a pattern (`input.<path>`), which the query schema accepts besides its fields. */
  queryPatterns?: Array<{ name: string; description: string; example: string }>;
  headers?: H;
  /** `required: false` reads an empty body as `{}`. */
  body?: { schema: B; required: boolean; description: string };
  responses: Record<number, RouteResponse>;
  /** The engine error codes this route answers with, besides the ones every route may (see openapi.ts). */
  errors: ErrorCode[];
  handle(input: RouteInput<P, Q, H, B>): Promise<Response> | Response;
}

export type Route = RouteSpec<ObjectSchema | undefined, ObjectSchema | undefined, ObjectSchema | undefined, z.ZodType>;

export function defineRoute<
  P extends ObjectSchema | undefined = undefined,
  Q extends ObjectSchema | undefined = undefined,
  H extends ObjectSchema | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, H, B>): Route {
  return spec as unknown as Route;
}

/** `/v1/executions/{id}` → `/v1/executions/:id`. */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

export interface Problem {
  /** Where the bad value is: `query.wait`, `body.output`, `header.Idempotency-Key`, `path.id`. */
  path: string;
  message: string;
}

/** A route without a query schema takes no query parameters: an unknown one is refused, not ignored. */
const noQuery = z.strictObject({});

export function mount(app: Hono, route: Route, deps: ApiDeps, guard: Guard): void {
  app.on(route.method.toUpperCase(), honoPath(route.path), async (context) => {
    // Credentials first: a caller without them learns nothing about what the input should be.
    const identity = await guard(context, route.auth);
    const problems: Problem[] = [];
    const params = check(route.params, context.req.param(), 'path', problems);
    const query = check(route.query ?? noQuery, context.req.query(), 'query', problems);
    const headers = check(route.headers, headerValues(context, route.headers), 'header', problems);
    const raw = route.body ? await readJson(context, route.body.required) : undefined;
    const body = route.body ? check(route.body.schema, raw, 'body', problems) : undefined;
    for (const [where, value] of [['path', context.req.param()], ['query', context.req.query()], ['body', raw]] as const) findUnstorable(value, where, problems);
    if (problems.length > 0) {
      const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      throw new EngineError('INPUT_INVALID', `The request is invalid: ${list}`, { details: { problems } });
    }
    // The values were just parsed by the route's own schemas, so they have the types its handler expects.
    return route.handle({ context, deps, params, query, headers, body, identity } as Parameters<Route['handle']>[0]);
  });
}

function check(schema: z.ZodType | undefined, value: unknown, where: string, problems: Problem[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const at = [where, ...issue.path.map(String)].join('.');
    // An unknown field is named by its own path, like any other bad field.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: `${at}.${key}`, message: `${key} is not a known field` });
    } else {
      problems.push({ path: at, message: issue.message });
    }
  }
  return undefined;
}

function headerValues(context: Context, schema: ObjectSchema | undefined): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const name of Object.keys(schema?.shape ?? {})) values[name] = context.req.header(name);
  return values;
}

/** Bodies are JSON whatever the Content-Type says; bodyLimit (app.ts) has already capped their size. */
async function readJson(context: Context, required: boolean): Promise<unknown> {
  const text = await bodyText(context);
  if (text.trim() === '') {
    if (required) throw new EngineError('INPUT_INVALID', 'This request needs a JSON body', { details: { problems: [{ path: 'body', message: 'a JSON body is required' }] } });
    return {};
  }
  // Before parsing: a body nested 100 000 deep parses, then overflows the stack of every walk after.
  if (exceedsJsonTextDepth(text)) {
    throw new EngineError('INPUT_TOO_DEEP', `The request body nests arrays and objects deeper than ${maxJsonDepth} levels`, {
      details: { maxDepth: maxJsonDepth, problems: [{ path: 'body', message: `nests deeper than ${maxJsonDepth} levels` }] },
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'it does not parse';
    throw new EngineError('INPUT_INVALID', `The request body is not valid JSON: ${reason}`, {
      details: { problems: [{ path: 'body', message: `not valid JSON: ${reason}` }] },
    });
  }
}
