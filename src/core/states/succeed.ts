import type { SucceedState } from '../../asl/index.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { applyInputPath, applyOutputPath } from '../io.ts';
import type { StateHandler } from './handler.ts';

export const succeed: StateHandler<SucceedState> = {
  async run(turn, state) {
    const raw = turn.snap.stateInput;
    if (turn.language(state) === 'JSONata') {
      const output = state.Output === undefined ? raw : await evaluateJsonata(state.Output, turn.jsonataScope({ input: raw }), 'Output');
      return { kind: 'succeedMachine', output };
    }
    return { kind: 'succeedMachine', output: applyOutputPath(turn, state, applyInputPath(turn, state, raw)) };
  },
};
