/**
 * The API's door: every route declares what it needs (`auth` in its definition, `admin` when absent),
 * and this guard checks it before the route reads any input. The answers: 401 UNAUTHORIZED (no, invalid,
 * revoked or expired credentials), 403 FORBIDDEN (valid, but without the scope), 429 RATE_LIMITED (a
 * key's starts a minute, with Retry-After). The identity it yields reaches the route's handler.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import {
  authenticate,
  requireAccess,
  sessionCookie,
  unrestrictedIdentity,
  type Access,
  type Identity,
  type JwtVerifier,
} from '../service/index.ts';
import { EngineError, isEngineError } from '../shared/index.ts';
import type { ApiDeps } from './deps.ts';
import { bodyText } from './request-body.ts';

export interface ApiAuth {
  /** NIGHTSHIFT_AUTH=disabled: every request passes as an admin (local experiments only). */
  disabled?: boolean;
  /** Verifies JWTs; absent or null: JWTs are refused. */
  jwt?: JwtVerifier | null;
}

/** The default when a route declares nothing: closed. */
export const defaultAccess: Access = 'admin';

/** Checks a request against its route's needs; answers the caller's identity (null on public routes). */
export type Guard = (context: Context, access: Access | undefined) => Promise<Identity | null>;

export function createGuard(deps: ApiDeps): Guard {
  const auth = deps.auth ?? {};
  const accessDeps = { sql: deps.sql, clock: deps.clock, limits: deps.limits, roles: deps.roles, jwt: auth.jwt ?? null };
  return async (context, declared) => {
    const access = declared ?? defaultAccess;
    if (access === 'public') return null;
    if (auth.disabled) return unrestrictedIdentity;
    const credentials = { authorization: context.req.header('Authorization'), apiKey: context.req.header('X-Api-Key'), session: getCookie(context, sessionCookie) };
    try {
      if (credentials.session && !credentials.authorization && !credentials.apiKey) refuseCrossSite(context);
      if (typeof access === 'object') return await authenticate(accessDeps, { ...credentials, workflow: await workflowOf(context, access.start) });
      const identity = await authenticate(accessDeps, credentials);
      requireAccess(identity, access);
      return identity;
    } catch (error) {
      if (isEngineError(error) && error.code === 'UNAUTHORIZED') context.header('WWW-Authenticate', 'Bearer realm="nightshift"');
      if (isEngineError(error) && error.code === 'RATE_LIMITED') {
        context.header('Retry-After', String((error.details as { retryAfterSeconds: number }).retryAfterSeconds));
      }
      throw error;
    }
  };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Against cross-site request forgery: a session cookie changes nothing unless the request comes from
 * the server's own pages. Browsers say so in Sec-Fetch-Site; older ones send Origin. SameSite=Strict
 * already keeps the cookie off cross-site requests; this holds when a browser ignores it.
 */
function refuseCrossSite(context: Context): void {
  if (safeMethods.has(context.req.method)) return;
  const site = context.req.header('Sec-Fetch-Site');
  const origin = context.req.header('Origin');
  const sameOrigin = site !== undefined ? site === 'same-origin' : origin !== undefined && hostOf(origin) === context.req.header('Host');
  if (!sameOrigin) {
    throw new EngineError('FORBIDDEN', 'A session cookie is accepted on this method only from the dashboard itself (same origin); other callers present an API key');
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * Where a start route names its workflow: `path.name`, `query.workflow` or `body.workflow`. Read raw,
 * before validation (a missing or odd value is checked as a workflow that does not exist: keys only).
 */
async function workflowOf(context: Context, where: string): Promise<string> {
  const [place, field] = where.split('.', 2);
  let value: unknown;
  if (place === 'path') value = context.req.param(field);
  else if (place === 'query') value = context.req.query(field);
  else if (place === 'body') value = await bodyField(context, field);
  return typeof value === 'string' ? value : '';
}

async function bodyField(context: Context, field: string): Promise<unknown> {
  try {
    // The body is kept once read (request-body.ts, or Hono's own copy), so the route still reads it afterwards.
    const body: unknown = JSON.parse(await bodyText(context));
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  } catch {
    return undefined;
  }
}

/** The OpenAPI security schemes: a key in either header, or a JWT. */
export const securitySchemes = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer ns_<prefix>_<secret> (nightshift keys create)' },
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'An API key in a header of its own' },
  session: {
    type: 'apiKey', in: 'cookie', name: 'nightshift_session',
    description: 'The dashboard\'s session (POST /v1/sessions): acts as the key it was made from; on POST and DELETE only from the same origin',
  },
  jwt: {
    type: 'http', scheme: 'bearer', bearerFormat: 'JWT',
    description: 'A JWT (HS256 with NIGHTSHIFT_JWT_SECRET, RS256/ES256 from NIGHTSHIFT_JWKS_URL); its claims and role claim become the execution identity',
  },
} as const;

/**
 * A route's requirement as OpenAPI 3.1 security (the scopes a key needs, as role names; admin holds
 * all of them) plus `x-nightshift-access`, the declaration itself, which tests and clients can read.
 */
export function securityOf(declared: Access | undefined): Record<string, unknown> {
  const access = declared ?? defaultAccess;
  const keys = (scopes: string[]) => [{ apiKey: scopes }, { apiKeyHeader: scopes }, { session: scopes }];
  if (access === 'public') return { security: [], 'x-nightshift-access': access };
  if (access === 'authenticated') return { security: [...keys([]), { jwt: [] }], 'x-nightshift-access': access };
  if (typeof access === 'object') {
    // {} last: a workflow with auth: public takes starts without credentials; auth: jwt takes any valid JWT.
    const param = access.start.split('.', 2)[1] ?? 'name';
    return { security: [...keys([`start:{${param}}`]), { jwt: [] }, {}], 'x-nightshift-access': access };
  }
  return { security: keys([access]), 'x-nightshift-access': access };
}

/** The error codes the guard may answer with on a route (ROLE_NOT_ALLOWED: a JWT or key acting as a refused role). */
export function accessErrors(declared: Access | undefined): Array<'UNAUTHORIZED' | 'FORBIDDEN' | 'RATE_LIMITED' | 'ROLE_NOT_ALLOWED'> {
  const access = declared ?? defaultAccess;
  if (access === 'public') return [];
  if (access === 'authenticated') return ['UNAUTHORIZED', 'ROLE_NOT_ALLOWED'];
  return typeof access === 'object' ? ['UNAUTHORIZED', 'FORBIDDEN', 'RATE_LIMITED', 'ROLE_NOT_ALLOWED'] : ['UNAUTHORIZED', 'FORBIDDEN', 'ROLE_NOT_ALLOWED'];
}
