/**
 * Signing in once per browser: the admin key (pasted, or from a sign-in link) is checked with GET
 * /v1/identity, then exchanged for a session cookie with POST /v1/sessions. The cookie is HttpOnly: this
 * code never sees it, and the key is kept nowhere. Every later request carries only the cookie; other
 * tabs of the browser are signed in by it too. A sign-in link carries the key in the fragment,
 * `/dashboard/#key=ns_…`, which browsers never send to the server; it is taken from there once and
 * wiped from the address bar. Signing out ends the session on the server.
 */
import { ApiError, createClient } from './api/client.ts';
import { endpoints } from './api/endpoints.ts';
import type { Identity } from './api/types.ts';

/** Takes `#key=…` from the address bar (and removes it, history included); answers it or null. */
export function takeKeyFromFragment(): string | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const key = fragment.get('key');
  if (window.location.hash !== '') window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  return key && key.trim() !== '' ? key.trim() : null;
}

export interface Session {
  identity: Identity;
}

/** Why a key cannot sign in, in words for the login form. */
export class SignInError extends Error {
  constructor(readonly kind: 'refused' | 'not-admin' | 'unreachable', message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

function refusalOf(error: unknown, what: string): SignInError {
  if (error instanceof ApiError && error.status === 401) return new SignInError('refused', what);
  if (error instanceof ApiError && error.code === 'NETWORK') return new SignInError('unreachable', error.message);
  return new SignInError('unreachable', `The server could not check the key: ${(error as Error).message}`);
}

function requireAdmin(identity: Identity): void {
  if (identity.scopes.includes('admin')) return;
  const held = identity.scopes.length > 0 ? identity.scopes.join(', ') : 'none';
  throw new SignInError('not-admin', `This key is valid but is not an admin key (its scopes: ${held}). The dashboard needs a key with the admin scope.`);
}

/** Checks an admin key and exchanges it for a session cookie; a SignInError says why not. */
export async function signIn(key: string): Promise<Session> {
  const api = endpoints(createClient(key));
  let identity: Identity;
  try {
    identity = await api.identity();
  } catch (error) {
    throw refusalOf(error, 'This key was refused: it is not a valid Nightshift API key, or it was revoked or has expired.');
  }
  requireAdmin(identity);
  // A server without authentication (NIGHTSHIFT_AUTH=disabled) needs no session.
  if (identity.kind !== 'public') await api.createSession();
  return { identity };
}

/** The session this browser already holds (its cookie), or a server without authentication; a SignInError otherwise. */
export async function resumeSession(): Promise<Session> {
  let identity: Identity;
  try {
    identity = await endpoints(createClient()).identity();
  } catch (error) {
    throw refusalOf(error, 'Your session has ended (it expired, was signed out, or its key was revoked). Sign in again.');
  }
  requireAdmin(identity);
  return { identity };
}

/** Ends the session on the server (the cookie is cleared by the answer); a failure is not kept from the user. */
export async function signOut(): Promise<void> {
  try {
    await endpoints(createClient()).endSession();
  } catch {
    // Gone already, or the server is down: the page signs out either way.
  }
}
