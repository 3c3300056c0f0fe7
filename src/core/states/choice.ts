import type { ChoiceRule, ChoiceState } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import { firstMatchingRule } from '../choice.ts';
import { StatesError } from '../failure.ts';
import { applyInputPath, applyOutputPath, assignJsonata, assignJsonPath, mergeAssign } from '../io.ts';
import { evaluateJsonata } from '../jsonata.ts';
import type { Outcome } from '../outcome.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';

function noMatch(): Outcome {
  return { kind: 'failed', failure: { error: 'States.NoChoiceMatched', cause: 'No Matches!' } };
}

async function runJsonata(turn: Turn, state: ChoiceState, raw: Json): Promise<Outcome> {
  const scope = turn.jsonataScope({ input: raw });
  let rule: ChoiceRule | undefined;
  for (const candidate of state.Choices) {
    const value = await evaluateJsonata(candidate.Condition as Json, scope, 'Condition');
    if (typeof value !== 'boolean') {
      throw new StatesError('States.QueryEvaluationError', `Condition must evaluate to a boolean, got ${JSON.stringify(value)}`);
    }
    if (value) {
      rule = candidate;
      break;
    }
  }
  const next = rule?.Next ?? state.Default;
  if (next === undefined) return noMatch();
  const assign = mergeAssign(
    await assignJsonata(turn, state.Assign, { input: raw }),
    await assignJsonata(turn, rule?.Assign, { input: raw }),
  );
  const outputTemplate = rule?.Output !== undefined ? rule.Output : state.Output;
  const output = outputTemplate === undefined ? raw : await evaluateJsonata(outputTemplate as Json, scope, 'Output');
  return { kind: 'transition', output, next, assign };
}

export const choice: StateHandler<ChoiceState> = {
  run(turn, state) {
    const raw = turn.snap.stateInput;
    if (turn.language(state) === 'JSONata') return runJsonata(turn, state, raw);
    const effective = applyInputPath(turn, state, raw);
    const index = firstMatchingRule(state.Choices, turn.roots(effective));
    const rule = index >= 0 ? state.Choices[index] : undefined;
    const next = rule?.Next ?? state.Default;
    if (next === undefined) return noMatch();
    const assign = mergeAssign(assignJsonPath(turn, state.Assign, effective), assignJsonPath(turn, rule?.Assign, effective));
    return { kind: 'transition', output: applyOutputPath(turn, state, effective), next, assign };
  },
};
