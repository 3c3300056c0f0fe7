import type { WaitState } from '../../asl/index.ts';
import type { Json, JsonObject } from '../../shared/index.ts';
import { StatesError } from '../failure.ts';
import { applyInputPath, applyOutputPath, assignJsonata, assignJsonPath, numberField } from '../io.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { andThen } from '../maybe.ts';
import { requirePath } from '../paths.ts';
import { suspended, type Outcome } from '../outcome.ts';
import { parseTimestamp } from '../timestamp.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';

function timestampAt(value: Json, error: string): number {
  const at = parseTimestamp(value);
  if (at === null) throw new StatesError(error, `The timestamp ${JSON.stringify(value)} is not an RFC 3339 timestamp`);
  return at;
}

/** Timestamp or TimestampPath in a JSONPath state; null when the state waits by Seconds instead. */
function timestampPathField(turn: Turn, state: WaitState, effective: Json): number | null {
  if (state.Timestamp !== undefined) return timestampAt(state.Timestamp, 'States.Runtime');
  if (state.TimestampPath === undefined) return null;
  return timestampAt(requirePath(state.TimestampPath, turn.roots(effective), 'States.Runtime', 'TimestampPath'), 'States.Runtime');
}

async function runJsonata(turn: Turn, state: WaitState, raw: Json): Promise<Outcome> {
  const seconds = await numberField(turn, raw, raw, state.Seconds, state.SecondsPath, 'Seconds');
  let at = seconds === null ? null : turn.env.now + seconds * 1000;
  if (at === null) {
    at =
      state.Timestamp === undefined
        ? timestampPathField(turn, state, raw)
        : timestampAt(await evaluateJsonata(state.Timestamp, turn.jsonataScope({ input: raw }), 'Timestamp'), 'States.QueryEvaluationError');
  }
  const assign = await assignJsonata(turn, state.Assign, { input: raw });
  const output = state.Output === undefined ? raw : await evaluateJsonata(state.Output, turn.jsonataScope({ input: raw }), 'Output');
  return waitUntil(turn, state, at, output, assign);
}

/** Waits until `at`, or goes on at once when it is not in the future. */
function waitUntil(turn: Turn, state: WaitState, at: number | null, output: Json, assign: JsonObject | null): Outcome {
  const next = state.Next ?? null;
  if (at === null || at <= turn.env.now) return { kind: 'transition', output, next, assign };
  const timerId = turn.nextId('t');
  turn.snap.pending = { kind: 'wait', timerId, output, assign };
  turn.command({ type: 'wakeAt', timerId, at, purpose: 'wait' });
  return suspended;
}

export const wait: StateHandler<WaitState> = {
  run(turn, state) {
    const raw = turn.snap.stateInput;
    if (turn.language(state) === 'JSONata') return runJsonata(turn, state, raw);
    const effective = applyInputPath(turn, state, raw);
    return andThen(numberField(turn, raw, effective, state.Seconds, state.SecondsPath, 'Seconds'), (seconds) => {
      const at = seconds !== null ? turn.env.now + seconds * 1000 : timestampPathField(turn, state, effective);
      const assign = assignJsonPath(turn, state.Assign, effective);
      return waitUntil(turn, state, at, applyOutputPath(turn, state, effective), assign);
    });
  },

  resume(turn, state, _name, event) {
    const pending = turn.snap.pending;
    if (event.type !== 'timerFired' || pending?.kind !== 'wait' || pending.timerId !== event.timerId) return suspended;
    turn.snap.pending = null;
    return { kind: 'transition', output: pending.output, next: state.Next ?? null, assign: pending.assign };
  },
};
