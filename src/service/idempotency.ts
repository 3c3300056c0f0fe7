/**
 * Idempotency keys belong to a caller: an execution, scheduled run or list is found by its key only in
 * the caller scope of the identity that asks (nightshift.caller_scope in the store: the API key, the
 * JWT's issuer and subject, `anonymous`, or the engine's own starts). A key the same caller sends again
 * with another input is refused, as Stripe does, and the refusal says nothing of the first request.
 */
import { EngineError } from '../shared/index.ts';

const firstUse = { start: 'an execution', schedule: 'a scheduled run', list: 'a list', event: 'an event' } as const;

/** A caller's Idempotency-Key sent again with another input. */
export function keyReused(what: keyof typeof firstUse): EngineError {
  return new EngineError(
    'IDEMPOTENCY_KEY_REUSED',
    `This Idempotency-Key was used for ${firstUse[what]} with a different input: send a new key for a new request`,
  );
}
