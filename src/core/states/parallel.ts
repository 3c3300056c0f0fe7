import type { ParallelState } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import { applyInputPath } from '../io.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { childMachineIds } from '../machine.ts';
import { andThen, type Maybe } from '../maybe.ts';
import type { Outcome } from '../outcome.ts';
import { applyTemplate } from '../template.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';
import { resumeFanOut, startFanOut } from './children.ts';

export const parallel: StateHandler<ParallelState> = {
  run(turn, state, name) {
    const raw = turn.snap.stateInput;
    if (turn.language(state) === 'JSONata') {
      if (state.Arguments === undefined) return fanOut(turn, state, name, raw);
      return andThen(evaluateJsonata(state.Arguments, turn.jsonataScope({ input: raw }), 'Arguments'), (input) => fanOut(turn, state, name, input));
    }
    const effective = applyInputPath(turn, state, raw);
    return fanOut(turn, state, name, state.Parameters === undefined ? effective : applyTemplate(state.Parameters, turn.templateScope(effective)));
  },
  resume: resumeFanOut,
};

/** Every branch gets the same input. */
function fanOut(turn: Turn, state: ParallelState, name: string, input: Json): Maybe<Outcome> {
  const machineIds = childMachineIds(turn.sub.id, name, state);
  turn.record('ParallelStateStarted', name, { branches: machineIds.length });
  return startFanOut(turn, state, name, {
    stateType: 'Parallel',
    inputs: machineIds.map(() => input),
    machineIds,
    maxConcurrency: 0,
    toleratedCount: null,
    toleratedPercentage: null,
  });
}
