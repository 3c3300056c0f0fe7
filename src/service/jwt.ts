/**
 * JWT verification with `jose`: HS256 with a shared secret (Supabase's JWT secret), RS256/ES256 with the
 * keys a JWKS URL publishes (fetched on first use, cached, refetched when a token names an unknown key).
 * A token must be signed, unexpired and carry `exp`; `iss` and `aud` are checked when configured.
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { EngineError, type JsonObject } from '../shared/index.ts';

export interface JwtSettings {
  secret: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
}

export interface JwtVerifier {
  /** The verified claims, or UNAUTHORIZED (bad token) / UNAVAILABLE (the JWKS could not be fetched). */
  verify(token: string, now: Date): Promise<JsonObject>;
}

const asymmetric = ['RS256', 'ES256'];
/** Seconds of clock difference tolerated on exp and nbf between the issuer and this server. */
const clockToleranceSeconds = 5;

/** Errors about the token itself; any other failure of the JWKS lookup is the key server's, not the caller's. */
const tokenErrors = new Set([
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWSInvalid.code,
  errors.JWTInvalid.code,
  errors.JWKInvalid.code,
]);

class JwksUnavailable extends Error {}

/** Null when neither a secret nor a JWKS URL is configured: JWTs are then refused. */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier | null {
  if (!settings.secret && !settings.jwksUrl) return null;
  const secret = settings.secret ? new TextEncoder().encode(settings.secret) : null;
  const remote = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl)) : null;
  const jwks: JWTVerifyGetKey | null = remote
    ? async (header, token) => {
        try {
          return await remote(header, token);
        } catch (error) {
          if (error instanceof errors.JOSEError && tokenErrors.has(error.code)) throw error;
          throw new JwksUnavailable('The JWKS could not be fetched', { cause: error });
        }
      }
    : null;
  return {
    async verify(token, now) {
      const alg = algorithmOf(token);
      const options = {
        algorithms: [alg], currentDate: now, clockTolerance: clockToleranceSeconds, requiredClaims: ['exp'],
        ...(settings.issuer ? { issuer: settings.issuer } : {}),
        ...(settings.audience ? { audience: settings.audience } : {}),
      };
      try {
        if (alg === 'HS256' && secret) return (await jwtVerify(token, secret, options)).payload as JsonObject;
        if (asymmetric.includes(alg) && jwks) return (await jwtVerify(token, jwks, options)).payload as JsonObject;
      } catch (error) {
        throw refusal(error);
      }
      throw new EngineError('UNAUTHORIZED', `JWTs signed with ${alg} are not accepted here`);
    },
  };
}

function algorithmOf(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    if (typeof alg === 'string') return alg;
  } catch {
    // Not a JWS at all: said below.
  }
  throw new EngineError('UNAUTHORIZED', 'The bearer token is neither an API key (ns_…) nor a JWT');
}

function refusal(error: unknown): EngineError {
  if (error instanceof JwksUnavailable) {
    return new EngineError('UNAVAILABLE', 'The keys to verify JWTs (JWKS) could not be fetched; try again later', { cause: error.cause });
  }
  if (error instanceof errors.JWTExpired) return new EngineError('UNAUTHORIZED', 'The JWT has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new EngineError('UNAUTHORIZED', `The JWT's ${error.claim} claim is not accepted (${error.message})`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new EngineError('UNAUTHORIZED', 'The JWT signature is not valid');
  if (error instanceof errors.JOSEError) return new EngineError('UNAUTHORIZED', 'The JWT is not valid');
  return new EngineError('UNAUTHORIZED', 'The JWT could not be verified', { cause: error });
}
