/**
 * The rate of starts per API key: a token bucket per key, in this process's memory. A key with
 * `rate_limit_per_minute` N may start N executions at once and then N a minute, evenly refilled.
 * Each Nightshift process keeps its own buckets, so with P processes behind a load balancer a key
 * gets up to P × N a minute: the limit protects each process from one noisy caller, it is not an
 * exact quota (that would cost a database write per start).
 */
import { EngineError } from '../shared/index.ts';

interface Bucket {
  tokens: number;
  /** When `tokens` was last computed (ms). */
  at: number;
  perMinute: number;
}

export class StartRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Takes one start from the key's bucket, or throws RATE_LIMITED with the seconds to wait. */
  take(keyId: string, perMinute: number, now: number): void {
    const bucket = this.refilled(keyId, perMinute, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const perMs = perMinute / 60_000;
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    throw new EngineError('RATE_LIMITED', `This API key may start ${perMinute} execution(s) a minute; try again in ${retryAfterSeconds} s`, {
      details: { limitPerMinute: perMinute, retryAfterSeconds },
    });
  }

  private refilled(keyId: string, perMinute: number, now: number): Bucket {
    const existing = this.buckets.get(keyId);
    // A new key, or one whose limit changed, starts with a full bucket.
    if (!existing || existing.perMinute !== perMinute) {
      const bucket = { tokens: perMinute, at: now, perMinute };
      this.buckets.set(keyId, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - existing.at);
    existing.tokens = Math.min(perMinute, existing.tokens + (elapsed * perMinute) / 60_000);
    existing.at = now;
    return existing;
  }
}
