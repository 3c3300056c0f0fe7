import type { State } from '../../asl/index.ts';
import type { Maybe } from '../maybe.ts';
import type { StepEvent } from '../model.ts';
import type { Outcome } from '../outcome.ts';
import type { Turn } from '../turn.ts';

/**
 * A state type: `run` executes it (on entry and again on each retry); `resume` takes the events it waits
 * for. Both answer at once unless they evaluated JSONata (see maybe.ts).
 */
export interface StateHandler<S extends State = State> {
  run(turn: Turn, state: S, name: string): Maybe<Outcome>;
  resume?(turn: Turn, state: S, name: string, event: StepEvent): Maybe<Outcome>;
}
