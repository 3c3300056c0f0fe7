import type { ParallelState } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import { applyInputPath } from '../io.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { childMachineIds } from '../machine.ts';
import { applyTemplate } from '../template.ts';
import type { StateHandler } from './handler.ts';
import { resumeFanOut, startFanOut } from './children.ts';

export const parallel: StateHandler<ParallelState> = {
  async run(turn, state, name) {
    const raw = turn.snap.stateInput;
    let input: Json;
    let effective = raw;
    if (turn.language(state) === 'JSONata') {
      input = state.Arguments === undefined ? raw : await evaluateJsonata(state.Arguments, turn.jsonataScope({ input: raw }), 'Arguments');
    } else {
      effective = applyInputPath(turn, state, raw);
      input = state.Parameters === undefined ? effective : applyTemplate(state.Parameters, turn.templateScope(effective));
    }
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
  },
  resume: resumeFanOut,
};
