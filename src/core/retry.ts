/**
 * Which Retrier or Catcher handles an error, and how long to wait before the next attempt.
 * The counters live in the snapshot (one per Retrier), never in memory.
 */
import type { Catcher, Retrier } from '../asl/index.ts';
import { statesErrorNames, type StatesErrorName } from './failure.ts';

/** Whether an ErrorEquals list matches an error name, with the spec's exceptions for States.ALL. */
export function errorMatches(errorEquals: string[], error: string): boolean {
  const known = statesErrorNames[error as StatesErrorName];
  if (known && !known.matchable) return false;
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === 'States.ALL' && (!known || known.matchedByAll)) return true;
    // Step Functions documents States.TaskFailed as a wildcard too: any error but States.Timeout.
    if (name === 'States.TaskFailed' && error !== 'States.Timeout' && (!known || known.matchedByAll)) return true;
  }
  return false;
}

export function findRetrier(retriers: Retrier[] | undefined, error: string): number {
  if (!retriers) return -1;
  return retriers.findIndex((r) => errorMatches(r.ErrorEquals, error));
}

export function findCatcher(catchers: Catcher[] | undefined, error: string): Catcher | undefined {
  return catchers?.find((c) => errorMatches(c.ErrorEquals, error));
}

/**
 * The delay before retry number `retriesSoFar + 1` in milliseconds, or null when the Retrier is used up.
 * IntervalSeconds × BackoffRate^retriesSoFar, capped by MaxDelaySeconds; FULL jitter draws uniformly
 * below that, from the injected `random`.
 */
export function retryDelayMs(retrier: Retrier, retriesSoFar: number, random: () => number): number | null {
  const maxAttempts = retrier.MaxAttempts ?? 3;
  if (retriesSoFar >= maxAttempts) return null;
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  let seconds = interval * Math.pow(rate, retriesSoFar);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds = random() * seconds;
  return Math.round(seconds * 1000);
}
