import type { PassState } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { applyInputPath, applyOutputPath, applyResultPath, assignJsonata, assignJsonPath } from '../io.ts';
import type { Outcome } from '../outcome.ts';
import { applyTemplate } from '../template.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';

async function runJsonata(turn: Turn, state: PassState, raw: Json): Promise<Outcome> {
  const assign = await assignJsonata(turn, state.Assign, { input: raw });
  const output = state.Output === undefined ? raw : await evaluateJsonata(state.Output, turn.jsonataScope({ input: raw }), 'Output');
  return { kind: 'transition', output, next: state.Next ?? null, assign };
}

export const pass: StateHandler<PassState> = {
  run(turn, state) {
    const raw = turn.snap.stateInput;
    if (turn.language(state) === 'JSONata') return runJsonata(turn, state, raw);
    const effective = applyInputPath(turn, state, raw);
    const result =
      state.Result !== undefined
        ? state.Result
        : state.Parameters !== undefined
          ? applyTemplate(state.Parameters, turn.templateScope(effective))
          : effective;
    const assign = assignJsonPath(turn, state.Assign, result);
    const output = applyOutputPath(turn, state, applyResultPath(state.ResultPath, raw, result));
    return { kind: 'transition', output, next: state.Next ?? null, assign };
  },
};
