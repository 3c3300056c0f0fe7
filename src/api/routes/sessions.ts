/**
 * Dashboard sign-in: an admin key, presented once in its header, is exchanged for a session cookie
 * (HttpOnly, SameSite=Strict, Secure over HTTPS, expiring); DELETE ends the session server-side. The
 * guard (auth.ts) accepts the cookie only when no key or JWT header is there, and on POST and DELETE
 * only from the server's own pages.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { createSession, endSession, identityView, sessionCookie, sessionHours } from '../../service/index.ts';
import { EngineError } from '../../shared/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { components } from '../schemas.ts';

const session = z.object({
  expiresAt: z.string().describe('When the session ends unless signed out before'),
  identity: z.object({ kind: z.string(), keyId: z.string().nullable(), role: z.string(), scopes: z.array(z.string()) }),
}).register(components, { id: 'Session' });

const ended = z.object({ ended: z.boolean().describe('Whether a session was there to end') }).register(components, { id: 'SessionEnded' });

const secure = (context: Context) => new URL(context.req.url).protocol === 'https:' || context.req.header('X-Forwarded-Proto') === 'https';

export const sessionRoutes: Route[] = [
  defineRoute({
    method: 'post', path: '/v1/sessions', operationId: 'createSession', tag: 'keys', auth: 'admin',
    summary: `Exchange an admin key (in its header) for a session cookie, ${sessionCookie}: HttpOnly, SameSite=Strict, for ${sessionHours} hours`,
    responses: { 201: { description: 'Signed in: the answer sets the cookie', schema: session } },
    errors: [],
    async handle({ context, deps, identity }) {
      const presented = context.req.header('Authorization') ?? context.req.header('X-Api-Key');
      if (!identity?.keyId || identity.kind !== 'key' || !presented) {
        throw new EngineError('UNAUTHORIZED', 'A session is made from an admin API key in the Authorization or X-Api-Key header');
      }
      const { token, expiresAt } = await createSession(deps, identity.keyId);
      setCookie(context, sessionCookie, token, {
        path: '/', httpOnly: true, sameSite: 'Strict', secure: secure(context), maxAge: sessionHours * 3600, expires: expiresAt,
      });
      const { claims: _claims, ...shown } = identityView(identity);
      return context.json({ expiresAt: expiresAt.toISOString(), identity: shown }, 201);
    },
  }),
  defineRoute({
    method: 'delete', path: '/v1/sessions/current', operationId: 'endSession', tag: 'keys', auth: 'authenticated',
    summary: 'Sign out: end the session of the cookie sent, server-side, and clear the cookie',
    responses: { 200: { description: 'Signed out', schema: ended } },
    errors: ['FORBIDDEN'],
    async handle({ context, deps }) {
      const token = getCookie(context, sessionCookie);
      if (token) await endSession(deps, token);
      deleteCookie(context, sessionCookie, { path: '/', httpOnly: true, sameSite: 'Strict', secure: secure(context) });
      return context.json({ ended: token !== undefined }, 200);
    },
  }),
];
