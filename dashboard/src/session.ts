/**
 * The signed-in key: kept in sessionStorage (gone when the tab closes, never sent anywhere but the
 * Authorization header). A sign-in link carries it in the fragment, `/dashboard/#key=ns_…`, which
 * browsers never send to the server; it is taken from there once and wiped from the address bar.
 */
import { ApiError, createClient } from './api/client.ts';
import { endpoints } from './api/endpoints.ts';
import type { Identity } from './api/types.ts';

const storageKey = 'nightshift.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(storageKey);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(storageKey, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(storageKey);
}

/** Takes `#key=…` from the address bar (and removes it, history included); answers it or null. */
export function takeKeyFromFragment(): string | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const key = fragment.get('key');
  if (window.location.hash !== '') window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  return key && key.trim() !== '' ? key.trim() : null;
}

export interface Session {
  /** null when the server lets every request through (NIGHTSHIFT_AUTH=disabled). */
  key: string | null;
  identity: Identity;
}

/** Why a key cannot sign in, in words for the login form. */
export class SignInError extends Error {
  constructor(readonly kind: 'refused' | 'not-admin' | 'unreachable', message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

function refusalOf(error: unknown): SignInError {
  if (error instanceof ApiError && error.status === 401) {
    return new SignInError('refused', 'This key was refused: it is not a valid Nightshift API key, or it was revoked or has expired.');
  }
  if (error instanceof ApiError && error.code === 'NETWORK') return new SignInError('unreachable', error.message);
  return new SignInError('unreachable', `The server could not check the key: ${(error as Error).message}`);
}

/** Checks a key with GET /v1/identity: a session when it holds the admin scope, else a SignInError saying why not. */
export async function signIn(key: string | null): Promise<Session> {
  let identity: Identity;
  try {
    identity = await endpoints(createClient(key)).identity();
  } catch (error) {
    throw refusalOf(error);
  }
  if (!identity.scopes.includes('admin')) {
    const held = identity.scopes.length > 0 ? identity.scopes.join(', ') : 'none';
    throw new SignInError('not-admin', `This key is valid but is not an admin key (its scopes: ${held}). The dashboard needs a key with the admin scope.`);
  }
  return { key, identity };
}
