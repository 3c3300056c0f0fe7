/**
 * Routes on API keys and on the caller's own identity. The dashboard signs in by checking its key with
 * GET /v1/identity (it requires the admin scope) and manages keys here; the CLI does the same through
 * the service (`nightshift keys`).
 */
import { z } from 'zod';
import { createApiKey, identityView, listApiKeys, revokeApiKey } from '../../service/index.ts';
import { EngineError } from '../../shared/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { components } from '../schemas.ts';

const keyParams = z.strictObject({ id: z.string().describe('The key id (a UUID), as listed') });

const createBody = z.strictObject({
  name: z.string().min(1).max(200).optional().describe('A label for people, e.g. billing-service'),
  role: z.string().min(1).max(63).describe('The Postgres role executions started with this key act as (row-level security applies)'),
  scopes: z.array(z.string().min(1).max(100)).min(1).max(100)
    .describe('admin (everything), read (GET routes), tasks (answer task tokens, poll activities), start:<workflow> or start:*'),
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional()
    .describe('Most executions the key may start a minute, counted across every Nightshift process; absent: limits.keyStartsPerMinute (none by default)'),
  allowPrivilegedRole: z.boolean().optional()
    .describe('Admin keys only, and only asked by a key that has it itself: act as the role although it is a superuser or BYPASSRLS role, or not in roles:'),
});

const apiKey = z.object({
  id: z.string(),
  name: z.string().nullable(),
  prefix: z.string().describe('The key starts with ns_<prefix>_'),
  role: z.string(),
  scopes: z.array(z.string()),
  rateLimitPerMinute: z.number().int().nullable(),
  allowPrivilegedRole: z.boolean().describe('The key may act as a privileged or unlisted role (an admin key\'s explicit setting)'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable().describe('Updated at most once a minute'),
  revokedAt: z.string().nullable(),
}).register(components, { id: 'ApiKey' });

const createdKey = apiKey.extend({
  key: z.string().describe('The key itself: shown this once, stored only as a hash'),
}).register(components, { id: 'CreatedApiKey' });

const apiKeyList = z.object({ items: z.array(apiKey) }).register(components, { id: 'ApiKeyList' });

const identity = z.object({
  kind: z.enum(['key', 'jwt', 'public']),
  keyId: z.string().nullable(),
  role: z.string().describe('The Postgres role executions started by this caller act as'),
  claims: z.record(z.string(), z.unknown()).describe('The verified JWT claims, or {role} for a key'),
  scopes: z.array(z.string()),
}).register(components, { id: 'Identity' });

export const keyRoutes: Route[] = [
  defineRoute({
    method: 'get', path: '/v1/identity', operationId: 'describeIdentity', tag: 'keys', auth: 'authenticated',
    summary: 'Who the presented key or JWT is: kind, role, claims and scopes (the dashboard checks for admin)',
    responses: { 200: { description: 'The caller', schema: identity } },
    errors: [],
    handle({ context, identity: caller }) {
      if (!caller) throw new EngineError('UNAUTHORIZED', 'No credentials were presented');
      return context.json(identityView(caller), 200);
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/keys', operationId: 'listKeys', tag: 'keys', auth: 'admin',
    summary: 'List the API keys, revoked ones included (never their secrets)',
    responses: { 200: { description: 'Every key', schema: apiKeyList } },
    errors: [],
    async handle({ context, deps }) {
      return context.json({ items: await listApiKeys(deps) }, 200);
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/keys', operationId: 'createKey', tag: 'keys', auth: 'admin',
    summary: 'Create an API key; the answer holds the key, shown this once',
    body: { schema: createBody, required: true, description: 'The key\'s role, scopes, and optional name and rate limit' },
    responses: { 201: { description: 'Created', schema: createdKey } },
    errors: ['ROLE_NOT_ALLOWED'],
    async handle({ context, deps, body, identity: caller }) {
      // Otherwise any admin key could mint a key above row-level security.
      if (body.allowPrivilegedRole && !caller?.allowPrivilegedRole) {
        throw new EngineError('FORBIDDEN', 'Only a key that may itself act as a privileged role can create one that may (nightshift keys create --allow-privileged-role)');
      }
      const { key, view } = await createApiKey(deps, body);
      return context.json({ ...view, key }, 201);
    },
  }),
  defineRoute({
    method: 'delete', path: '/v1/keys/{id}', operationId: 'revokeKey', tag: 'keys', auth: 'admin',
    summary: 'Revoke an API key: every later request with it is refused (401)',
    params: keyParams,
    responses: { 200: { description: 'The revoked key', schema: apiKey } },
    errors: ['API_KEY_NOT_FOUND'],
    async handle({ context, deps, params }) {
      return context.json(await revokeApiKey(deps, params.id), 200);
    },
  }),
];
