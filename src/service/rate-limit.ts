/**
 * The rate of starts per API key: a token bucket per key in Postgres (store/rate-buckets.ts), so the
 * limit holds across every Nightshift process sharing the database. A key with N starts a minute
 * (its own `rate_limit_per_minute`, else limits.keyStartsPerMinute) may start N executions at once
 * and then N a minute, evenly refilled. It costs one statement per start of a limited key.
 */
import { removeFullRateBuckets, takeRateToken } from '../store/index.ts';
import { EngineError, limitsOf } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';

/** The limit that applies to a key: its own, else the configured default; null: none. */
export function keyStartsPerMinute(deps: Pick<ServiceDeps, 'limits'>, own: number | null | undefined): number | null {
  return own ?? limitsOf(deps.limits).keyStartsPerMinute;
}

/** Takes one start from the key's bucket, or throws RATE_LIMITED with the seconds to wait. */
export async function takeKeyStart(deps: Pick<ServiceDeps, 'sql' | 'clock'>, keyId: string, perMinute: number): Promise<void> {
  const { taken, tokens } = await takeRateToken(deps.sql, `api-key:${keyId}`, perMinute, new Date(deps.clock.now()));
  if (taken) return;
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / (perMinute / 60)));
  throw new EngineError('RATE_LIMITED', `This API key may start ${perMinute} execution(s) a minute; try again in ${retryAfterSeconds} s`, {
    details: { limitPerMinute: perMinute, retryAfterSeconds },
  });
}

/** Housekeeping: forgets buckets unused for a minute (they are full again). */
export async function removeIdleRateBuckets(deps: Pick<ServiceDeps, 'sql' | 'clock'>): Promise<number> {
  return removeFullRateBuckets(deps.sql, new Date(deps.clock.now() - 60_000));
}
