/** What running a state (or resuming it) leads to; the step loop acts on it. */
import type { Json, JsonObject } from '../shared/index.ts';
import type { Failure } from './failure.ts';

export type Outcome =
  /** The state finished: apply `assign`, then go to `next`, or end the machine when `next` is null. */
  | { kind: 'transition'; output: Json; next: string | null; assign: JsonObject | null }
  /** The state failed: its Retry and Catch decide what happens. */
  | { kind: 'failed'; failure: Failure }
  /** The state waits for an event (task result, timer, children). */
  | { kind: 'suspended' }
  | { kind: 'succeedMachine'; output: Json }
  /** A Fail state: the machine fails, no Retry or Catch applies. */
  | { kind: 'failMachine'; failure: Failure };

export const suspended: Outcome = { kind: 'suspended' };
