import type { FailState } from '../../asl/index.ts';
import { isIntrinsicExpression, parseIntrinsic } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import { StatesError } from '../failure.ts';
import { evaluateIntrinsic } from '../intrinsics/index.ts';
import { evaluateJsonata } from '../jsonata.ts';
import type { Outcome } from '../outcome.ts';
import { requirePath } from '../paths.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';

/** ErrorPath / CausePath: a path or an intrinsic function over the state's input, giving a string. */
function fromPath(turn: Turn, raw: Json, text: string, field: string): string {
  const value = isIntrinsicExpression(text)
    ? evaluateIntrinsic(parseIntrinsic(text), {
        random: turn.env.random,
        hash: turn.env.hash,
        resolvePath: (path) => requirePath(path.source, turn.roots(raw), 'States.Runtime', field),
      })
    : requirePath(text, turn.roots(raw), 'States.Runtime', field);
  if (typeof value !== 'string') throw new StatesError('States.Runtime', `${field} must select a string, got ${JSON.stringify(value)}`);
  return value;
}

async function fromJsonata(turn: Turn, raw: Json, value: string | undefined, field: string): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const result = await evaluateJsonata(value, turn.jsonataScope({ input: raw }), field);
  if (result !== undefined && typeof result !== 'string') {
    throw new StatesError('States.QueryEvaluationError', `${field} must evaluate to a string, got ${JSON.stringify(result)}`);
  }
  return result;
}

async function runJsonata(turn: Turn, state: FailState, raw: Json): Promise<Outcome> {
  const error = await fromJsonata(turn, raw, state.Error, 'Error');
  const cause = await fromJsonata(turn, raw, state.Cause, 'Cause');
  return failMachine(error, cause);
}

function failMachine(error: string | undefined, cause: string | undefined): Outcome {
  const failure = cause === undefined ? { error: error ?? '' } : { error: error ?? '', cause };
  return { kind: 'failMachine', failure };
}

export const fail: StateHandler<FailState> = {
  run(turn, state) {
    const raw = turn.snap.stateInput;
    if (turn.language(state) === 'JSONata') return runJsonata(turn, state, raw);
    const error = state.ErrorPath !== undefined ? fromPath(turn, raw, state.ErrorPath, 'ErrorPath') : state.Error;
    const cause = state.CausePath !== undefined ? fromPath(turn, raw, state.CausePath, 'CausePath') : state.Cause;
    return failMachine(error, cause);
  },
};
