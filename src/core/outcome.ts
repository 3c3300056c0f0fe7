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
  | { kind: 'failMachine'; failure: Failure }
  /** A Parallel or Map whose children can run inline (inline.ts): the step loop runs them now. */
  | { kind: 'inline'; children: InlineChildren };

/** A fan-out to run inside the step: child i runs machine `machineIds[i]` (or the only one) on `inputs[i]`. */
export interface InlineChildren {
  stateType: 'Parallel' | 'Map';
  machineIds: string[];
  inputs: Json[];
  outerVars: JsonObject;
  toleratedCount: number | null;
  toleratedPercentage: number | null;
}

export const suspended: Outcome = { kind: 'suspended' };
