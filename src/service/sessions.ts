/**
 * Dashboard sessions: an admin key is exchanged once per browser for a random session token (256
 * bits, base64url), which the API sets as an HttpOnly cookie. Only the token's SHA-256 is stored. A
 * session acts as its key (same role and scopes, ended by revoking the key), lasts `sessionHours`,
 * and is deleted when its holder signs out.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { deleteSession, findSessionKey, insertSession, type ApiKeyRow } from '../store/index.ts';
import { EngineError } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { refuseRole } from './roles.ts';

type SessionDeps = Pick<ServiceDeps, 'sql' | 'clock'>;
type VerifyDeps = Pick<ServiceDeps, 'sql' | 'clock' | 'roles'>;

/** How long a session lasts from sign-in: a working day. */
export const sessionHours = 12;
/** The cookie that carries the session token. */
export const sessionCookie = 'nightshift_session';

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A new session for the key `keyId` (an admin key: the route checks); the token is in this answer only. */
export async function createSession(deps: SessionDeps, keyId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const createdAt = new Date(deps.clock.now());
  const expiresAt = new Date(createdAt.getTime() + sessionHours * 3_600_000);
  await insertSession(deps.sql, { id: randomUUID(), tokenHash: sha256(token), keyId, createdAt, expiresAt });
  return { token, expiresAt };
}

/** The key a session token stands for; UNAUTHORIZED when it is unknown, expired, signed out or its key revoked. */
export async function verifySession(deps: VerifyDeps, token: string): Promise<ApiKeyRow> {
  const row = tokenPattern.test(token) ? await findSessionKey(deps.sql, sha256(token), new Date(deps.clock.now())) : null;
  if (!row) throw new EngineError('UNAUTHORIZED', 'The session has expired or was signed out: sign in again');
  // As for the key itself (keys.ts), at every use: the role may have changed since.
  if (!(row.allowPrivilegedRole && row.scopes.includes('admin'))) refuseRole(deps, 'The API key', row.role, row.roleAttributes);
  const { roleAttributes: _attributes, ...key } = row;
  return key;
}

/** Ends a session (signing out); ending one that is gone is not an error. */
export async function endSession(deps: Pick<ServiceDeps, 'sql'>, token: string): Promise<void> {
  if (tokenPattern.test(token)) await deleteSession(deps.sql, sha256(token));
}
