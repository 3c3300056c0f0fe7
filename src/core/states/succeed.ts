import type { SucceedState } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { applyInputPath, applyOutputPath } from '../io.ts';
import type { Outcome } from '../outcome.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';

async function runJsonata(turn: Turn, state: SucceedState, raw: Json): Promise<Outcome> {
  const output = state.Output === undefined ? raw : await evaluateJsonata(state.Output, turn.jsonataScope({ input: raw }), 'Output');
  return { kind: 'succeedMachine', output };
}

export const succeed: StateHandler<SucceedState> = {
  run(turn, state) {
    const raw = turn.snap.stateInput;
    if (turn.language(state) === 'JSONata') return runJsonata(turn, state, raw);
    return { kind: 'succeedMachine', output: applyOutputPath(turn, state, applyInputPath(turn, state, raw)) };
  },
};
