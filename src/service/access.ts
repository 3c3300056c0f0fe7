/**
 * Who is calling and what they may do. A caller presents an API key (`Authorization: Bearer ns_…` or
 * `X-Api-Key`) or a JWT (`Authorization: Bearer <jwt>`); the answer is an Identity, which an execution
 * it starts records and acts as. Scopes: `admin` (everything), `read` (GET routes), `tasks` (answer task
 * tokens, poll activities), `start:<workflow>` / `start:*` (start executions). A workflow's `auth` widens
 * who may start it: `public` anyone, `jwt` any valid JWT, `key` only keys with a start scope (the default).
 */
import { workflowNamePattern } from '../asl/index.ts';
import { EngineError, type Json, type JsonObject } from '../shared/index.ts';
import { cachedCurrentVersion } from './current-versions.ts';
import type { ServiceDeps } from './deps.ts';
import type { JwtVerifier } from './jwt.ts';
import { isApiKey, rolePattern, verifyApiKey } from './keys.ts';
import { keyStartsPerMinute, takeKeyStart } from './rate-limit.ts';
import { checkActingRole } from './roles.ts';
import { verifySession } from './sessions.ts';

export interface Identity {
  kind: 'key' | 'jwt' | 'public';
  /** The API key's id, for kind `key`. */
  keyId?: string;
  /** The Postgres role the caller's executions act as. */
  role: string;
  /** JWT claims (kind `jwt`), or `{role}`: what `request.jwt.claims` holds in sql:query. */
  claims: JsonObject;
  scopes: string[];
  /** The key's starts-per-minute limit, for kind `key`. */
  rateLimitPerMinute?: number | null;
  /** An admin key created with allowPrivilegedRole: only such a key may create another. */
  allowPrivilegedRole?: boolean;
}

/** What a route needs: nothing, any valid credential, a scope, or the right to start the named workflow. */
export type Access = 'public' | 'authenticated' | 'read' | 'tasks' | 'admin' | { start: string };

export interface Credentials {
  /** The Authorization header as sent. */
  authorization?: string;
  /** The X-Api-Key header as sent. */
  apiKey?: string;
  /** The dashboard's session token (its cookie), used only when neither header is there. */
  session?: string;
}

export interface AccessDeps extends Pick<ServiceDeps, 'sql' | 'clock' | 'limits' | 'roles'> {
  /** Null or absent: JWTs are refused. */
  jwt?: JwtVerifier | null;
}

/** The role of callers without credentials (public workflows), as PostgREST and Supabase name it. */
export const anonymousRole = 'anon';
/** The role of a verified JWT without a `role` claim (Supabase's convention). */
export const defaultJwtRole = 'authenticated';

export const publicIdentity: Identity = Object.freeze({ kind: 'public', role: anonymousRole, claims: { role: anonymousRole }, scopes: [] }) as Identity;

/** NIGHTSHIFT_AUTH=disabled: every caller may do everything, as an anonymous caller. */
export const unrestrictedIdentity: Identity = Object.freeze({ kind: 'public', role: anonymousRole, claims: { role: anonymousRole }, scopes: ['admin'] }) as Identity;

/**
 * The caller's identity. Without `workflow`: any valid credential, else UNAUTHORIZED. With `workflow`:
 * an identity that may start that workflow (the public identity when it is `auth: public` and nothing
 * was presented), else UNAUTHORIZED / FORBIDDEN; a key's start also takes from its rate limit, shared by every process (RATE_LIMITED).
 */
export async function authenticate(deps: AccessDeps, request: Credentials & { workflow?: string }): Promise<Identity> {
  const credential = credentialOf(request);
  if (request.workflow === undefined) {
    if (credential === null) throw new EngineError('UNAUTHORIZED', 'This route needs an API key (Authorization: Bearer ns_… or X-Api-Key) or a JWT');
    return verify(deps, credential);
  }
  const mode = await workflowAuth(deps, request.workflow);
  if (credential === null) {
    if (mode === 'public') return publicIdentity;
    const what = mode === 'jwt' ? 'a JWT or an API key' : 'an API key';
    throw new EngineError('UNAUTHORIZED', `Starting ${request.workflow} needs ${what} (Authorization: Bearer …)`);
  }
  const identity = await verify(deps, credential);
  if (!mayStart(identity, request.workflow, mode)) {
    const needs = mode === 'jwt' ? 'a JWT or a key with the scope' : 'a key with the scope';
    throw new EngineError('FORBIDDEN', `Starting ${request.workflow} needs ${needs} start:${request.workflow}, start:* or admin`);
  }
  const perMinute = identity.kind === 'key' ? keyStartsPerMinute(deps, identity.rateLimitPerMinute) : null;
  if (identity.keyId && perMinute !== null) await takeKeyStart(deps, identity.keyId, perMinute);
  return identity;
}

/** FORBIDDEN unless the identity holds what a scope-protected route needs (admin holds everything). */
export function requireAccess(identity: Identity, access: 'authenticated' | 'read' | 'tasks' | 'admin'): void {
  if (access === 'authenticated' || identity.scopes.includes('admin') || identity.scopes.includes(access)) return;
  const scopes = access === 'admin' ? 'admin' : `${access} or admin`;
  throw new EngineError('FORBIDDEN', `This route needs the scope ${scopes}; this ${identity.kind === 'jwt' ? 'JWT has none' : 'key has ' + (identity.scopes.join(', ') || 'none')}`);
}

/** What an execution records: who it acts as, without the caller's scopes. */
export function identityRecord(identity: Identity): JsonObject {
  return { kind: identity.kind, role: identity.role, claims: identity.claims, ...(identity.keyId ? { keyId: identity.keyId } : {}) };
}

/** The identity as the API shows it to its own holder. */
export function identityView(identity: Identity): { kind: string; keyId: string | null; role: string; claims: Json; scopes: string[] } {
  return { kind: identity.kind, keyId: identity.keyId ?? null, role: identity.role, claims: identity.claims, scopes: identity.scopes };
}

function mayStart(identity: Identity, workflow: string, mode: string): boolean {
  const scoped = ['admin', 'start:*', `start:${workflow}`].some((scope) => identity.scopes.includes(scope));
  return scoped || mode === 'public' || (mode === 'jwt' && identity.kind === 'jwt');
}

/**
 * A workflow that does not exist is treated as `key`, so its absence is only told to callers who may start
 * it. The version comes from the cache the start then uses: one lookup a second, not two per start.
 */
async function workflowAuth(deps: AccessDeps, workflow: string): Promise<string> {
  if (!workflowNamePattern.test(workflow)) return 'key';
  const version = await cachedCurrentVersion(deps, workflow);
  const auth = (version?.metadata as { auth?: unknown } | undefined)?.auth;
  return typeof auth === 'string' ? auth : 'key';
}

type Credential = { type: 'key' | 'jwt' | 'session'; value: string };

function credentialOf(request: Credentials): Credential | null {
  const apiKey = request.apiKey?.trim();
  if (apiKey) return { type: 'key', value: apiKey };
  const header = request.authorization?.trim();
  if (!header) return request.session ? { type: 'session', value: request.session } : null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new EngineError('UNAUTHORIZED', 'The Authorization header must be "Bearer <API key or JWT>"');
  return { type: isApiKey(match[1]) ? 'key' : 'jwt', value: match[1] };
}

async function verify(deps: AccessDeps, credential: Credential): Promise<Identity> {
  if (credential.type === 'key' || credential.type === 'session') {
    // A session stands for the key it was made from, checked as the key would be.
    const key = credential.type === 'key' ? await verifyApiKey(deps, credential.value) : await verifySession(deps, credential.value);
    return {
      kind: 'key', keyId: key.id, role: key.role, claims: { role: key.role }, scopes: key.scopes, rateLimitPerMinute: key.rateLimitPerMinute,
      allowPrivilegedRole: key.allowPrivilegedRole && key.scopes.includes('admin'),
    };
  }
  if (!deps.jwt) throw new EngineError('UNAUTHORIZED', 'JWTs are not accepted here: no JWT secret or JWKS URL is configured');
  const claims = await deps.jwt.verify(credential.value, new Date(deps.clock.now()));
  const role = claims.role ?? defaultJwtRole;
  if (typeof role !== 'string' || !rolePattern.test(role)) throw new EngineError('UNAUTHORIZED', 'The JWT role claim is not a role name');
  // Before anything is stored: a JWT never acts as an unlisted role nor one that bypasses row-level security.
  await checkActingRole(deps, 'The JWT', role);
  return { kind: 'jwt', role, claims, scopes: [] };
}
