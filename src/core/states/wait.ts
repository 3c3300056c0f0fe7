import type { WaitState } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import { StatesError } from '../failure.ts';
import { applyInputPath, applyOutputPath, assignJsonata, assignJsonPath, numberField } from '../io.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { requirePath } from '../paths.ts';
import { suspended, type Outcome } from '../outcome.ts';
import { parseTimestamp } from '../timestamp.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';

async function timestampField(turn: Turn, state: WaitState, raw: Json, effective: Json): Promise<number | null> {
  let value: Json;
  let error = 'States.Runtime';
  if (state.Timestamp !== undefined && turn.language(state) === 'JSONata') {
    value = await evaluateJsonata(state.Timestamp, turn.jsonataScope({ input: raw }), 'Timestamp');
    error = 'States.QueryEvaluationError';
  } else if (state.Timestamp !== undefined) value = state.Timestamp;
  else if (state.TimestampPath !== undefined) value = requirePath(state.TimestampPath, turn.roots(effective), 'States.Runtime', 'TimestampPath');
  else return null;
  const at = parseTimestamp(value);
  if (at === null) throw new StatesError(error, `The timestamp ${JSON.stringify(value)} is not an RFC 3339 timestamp`);
  return at;
}

export const wait: StateHandler<WaitState> = {
  async run(turn, state) {
    const raw = turn.snap.stateInput;
    const jsonata = turn.language(state) === 'JSONata';
    const effective = jsonata ? raw : applyInputPath(turn, state, raw);
    const seconds = await numberField(turn, state, raw, effective, state.Seconds, state.SecondsPath, 'Seconds');
    const at = seconds !== null ? turn.env.now + seconds * 1000 : await timestampField(turn, state, raw, effective);
    let output: Json;
    let assign;
    if (jsonata) {
      assign = await assignJsonata(turn, state.Assign, { input: raw });
      output = state.Output === undefined ? raw : await evaluateJsonata(state.Output, turn.jsonataScope({ input: raw }), 'Output');
    } else {
      assign = assignJsonPath(turn, state.Assign, effective);
      output = applyOutputPath(turn, state, effective);
    }
    const next = state.Next ?? null;
    if (at === null || at <= turn.env.now) return { kind: 'transition', output, next, assign };
    const timerId = turn.nextId('t');
    turn.snap.pending = { kind: 'wait', timerId, output, assign };
    turn.command({ type: 'wakeAt', timerId, at, purpose: 'wait' });
    return suspended;
  },

  async resume(turn, state, _name, event): Promise<Outcome> {
    const pending = turn.snap.pending;
    if (event.type !== 'timerFired' || pending?.kind !== 'wait' || pending.timerId !== event.timerId) return suspended;
    turn.snap.pending = null;
    return { kind: 'transition', output: pending.output, next: state.Next ?? null, assign: pending.assign };
  },
};
