/**
 * A state failed: the first matching Retrier schedules another attempt (its counter in the snapshot), or
 * the first matching Catcher leads elsewhere with the error output, or the machine fails.
 */
import type { Catcher, Retrier, State } from '../asl/index.ts';
import type { Json, JsonObject } from '../shared/index.ts';
import type { Failure } from './failure.ts';
import { applyResultPath, assignJsonata, assignJsonPath } from './io.ts';
import { evaluateJsonata } from './jsonata.ts';
import type { Maybe } from './maybe.ts';
import { suspended, type Outcome } from './outcome.ts';
import { findCatcher, findRetrier, retryDelayMs } from './retry.ts';
import type { Turn } from './turn.ts';

export function errorOutput(failure: Failure): JsonObject {
  return failure.cause === undefined ? { Error: failure.error } : { Error: failure.error, Cause: failure.cause };
}

export function handleFailure(turn: Turn, state: State, failure: Failure): Maybe<Outcome> {
  const { Retry: retriers, Catch: catchers } = state as State & { Retry?: Retrier[]; Catch?: Catcher[] };
  const index = findRetrier(retriers, failure.error);
  if (index >= 0) {
    const used = turn.snap.retryCounts[index] ?? 0;
    const delay = retryDelayMs(retriers![index], used, turn.env.random);
    if (delay !== null) {
      // Every Retrier before this one counts 0, not a hole: a hole is stored as null (JSON has no holes).
      const counts = Array.from({ length: Math.max(turn.snap.retryCounts.length, index + 1) }, (_, i) => turn.snap.retryCounts[i] ?? 0);
      counts[index] = used + 1;
      turn.snap.retryCounts = counts;
      const timerId = turn.nextId('t');
      turn.snap.pending = { kind: 'retry', timerId };
      turn.command({ type: 'wakeAt', timerId, at: turn.env.now + delay, purpose: 'retry' });
      return suspended;
    }
  }
  const catcher = findCatcher(catchers, failure.error);
  if (!catcher) return { kind: 'failMachine', failure };
  const raw: Json = turn.snap.stateInput;
  const error = errorOutput(failure);
  if (turn.language(state) === 'JSONata') return catchJsonata(turn, catcher, raw, error);
  const assign = assignJsonPath(turn, catcher.Assign, error);
  const output = applyResultPath(catcher.ResultPath === undefined ? '$' : catcher.ResultPath, raw, error);
  return { kind: 'transition', output, next: catcher.Next, assign };
}

async function catchJsonata(turn: Turn, catcher: Catcher, raw: Json, error: JsonObject): Promise<Outcome> {
  const states = { input: raw, errorOutput: error };
  const assign = await assignJsonata(turn, catcher.Assign, states);
  const output = catcher.Output === undefined ? error : await evaluateJsonata(catcher.Output, turn.jsonataScope(states), 'Output');
  return { kind: 'transition', output, next: catcher.Next, assign };
}
