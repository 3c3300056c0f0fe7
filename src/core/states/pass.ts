import type { PassState } from '../../asl/index.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { applyInputPath, applyOutputPath, applyResultPath, assignJsonata, assignJsonPath } from '../io.ts';
import { applyTemplate } from '../template.ts';
import type { StateHandler } from './handler.ts';

export const pass: StateHandler<PassState> = {
  async run(turn, state) {
    const raw = turn.snap.stateInput;
    const next = state.Next ?? null;
    if (turn.language(state) === 'JSONata') {
      const assign = await assignJsonata(turn, state.Assign, { input: raw });
      const output = state.Output === undefined ? raw : await evaluateJsonata(state.Output, turn.jsonataScope({ input: raw }), 'Output');
      return { kind: 'transition', output, next, assign };
    }
    const effective = applyInputPath(turn, state, raw);
    const result =
      state.Result !== undefined
        ? state.Result
        : state.Parameters !== undefined
          ? applyTemplate(state.Parameters, turn.templateScope(effective))
          : effective;
    const assign = assignJsonPath(turn, state.Assign, result);
    const output = applyOutputPath(turn, state, applyResultPath(state.ResultPath, raw, result));
    return { kind: 'transition', output, next, assign };
  },
};
