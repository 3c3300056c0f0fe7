/**
 * Input and output processing shared by the state types: InputPath → Parameters → (work) →
 * ResultSelector → ResultPath → OutputPath in JSONPath states; Arguments → (work) → Output in JSONata
 * states; Assign in both. Assign sees the values from before the state: they are applied on leaving it.
 */
import type { State } from '../asl/index.ts';
import type { Json, JsonObject } from '../shared/index.ts';
import { StatesError } from './failure.ts';
import { evaluateJsonata } from './jsonata.ts';
import { requirePath, writeResultPath } from './paths.ts';
import { applyTemplate } from './template.ts';
import type { Maybe } from './maybe.ts';
import type { Outcome } from './outcome.ts';
import type { ContextExtra, Turn } from './turn.ts';

export function applyInputPath(turn: Turn, state: State, raw: Json): Json {
  if (state.InputPath === undefined) return raw;
  if (state.InputPath === null) return {};
  return requirePath(state.InputPath, turn.roots(raw), 'States.Runtime', 'InputPath');
}

export function applyOutputPath(turn: Turn, state: State, output: Json): Json {
  if (state.OutputPath === undefined) return output;
  if (state.OutputPath === null) return {};
  return requirePath(state.OutputPath, turn.roots(output), 'States.Runtime', 'OutputPath');
}

export function applyResultPath(resultPath: string | null | undefined, raw: Json, result: Json): Json {
  if (resultPath === undefined) return result;
  if (resultPath === null) return raw;
  return writeResultPath(raw, resultPath, result);
}

/** Assign in a JSONPath state: `$` is the value the spec gives it for that state (result or input). */
export function assignJsonPath(turn: Turn, assign: JsonObject | undefined, dollar: Json, extra?: ContextExtra): JsonObject | null {
  if (!assign) return null;
  return applyTemplate(assign, turn.templateScope(dollar, extra), 'States.Runtime') as JsonObject;
}

export async function assignJsonata(
  turn: Turn,
  assign: JsonObject | undefined,
  states: { input: Json; result?: Json; errorOutput?: Json },
): Promise<JsonObject | null> {
  if (!assign) return null;
  return (await evaluateJsonata(assign, turn.jsonataScope(states), 'Assign')) as JsonObject;
}

export function mergeAssign(a: JsonObject | null, b: JsonObject | null): JsonObject | null {
  if (!a) return b;
  if (!b) return a;
  return { ...a, ...b };
}

/**
 * A Task, Parallel or Map state got its result: shape it into the state's output and leave the state.
 */
export function finishWithResult(turn: Turn, state: State, raw: Json, result: Json): Maybe<Outcome> {
  if (turn.language(state) === 'JSONata') return finishJsonata(turn, state, raw, result);
  const s = state as State & { ResultSelector?: Json; ResultPath?: string | null };
  const selected = s.ResultSelector === undefined ? result : applyTemplate(s.ResultSelector, turn.templateScope(result), 'States.Runtime');
  // Assign runs beside ResultSelector in Step Functions' order of evaluation: both see the raw result.
  const assign = assignJsonPath(turn, state.Assign, result);
  const output = applyOutputPath(turn, state, applyResultPath(s.ResultPath, raw, selected));
  return { kind: 'transition', output, next: state.Next ?? null, assign };
}

async function finishJsonata(turn: Turn, state: State, raw: Json, result: Json): Promise<Outcome> {
  const states = { input: raw, result };
  const assign = await assignJsonata(turn, state.Assign, states);
  const output = state.Output === undefined ? result : await evaluateJsonata(state.Output, turn.jsonataScope(states), 'Output');
  return { kind: 'transition', output, next: state.Next ?? null, assign };
}

/**
 * A non-negative number from a field that may be a literal, a JSONata expression or (JSONPath) a path.
 * Only an expression makes the answer a promise.
 */
export function numberField(
  turn: Turn,
  raw: Json,
  effective: Json,
  literal: number | string | undefined,
  path: string | undefined,
  field: string,
): Maybe<number | null> {
  if (typeof literal === 'string') {
    return evaluateJsonata(literal, turn.jsonataScope({ input: raw }), field).then((value) => checkedNumber(value, field, 'States.QueryEvaluationError'));
  }
  if (typeof literal === 'number') return checkedNumber(literal, field, 'States.Runtime');
  if (path === undefined) return null;
  return checkedNumber(requirePath(path, turn.roots(effective), 'States.Runtime', `${field}Path`), field, 'States.Runtime');
}

/** A number field: its literal (a number or a JSONata expression), its JSONPath path, and its name. */
export type NumberFieldSpec = [literal: number | string | undefined, path: string | undefined, field: string];

/**
 * Several number fields, evaluated one after another in the order given (an expression's error stops
 * the rest, as Step Functions evaluates them); at once when none is a JSONata expression.
 */
export function numberFields(turn: Turn, raw: Json, effective: Json, fields: NumberFieldSpec[]): Maybe<Array<number | null>> {
  const values: Array<number | null> = [];
  for (let i = 0; i < fields.length; i++) {
    const value = numberField(turn, raw, effective, ...fields[i]);
    if (value instanceof Promise) return numberFieldsLater(turn, raw, effective, fields, values, i, value);
    values.push(value);
  }
  return values;
}

async function numberFieldsLater(
  turn: Turn,
  raw: Json,
  effective: Json,
  fields: NumberFieldSpec[],
  values: Array<number | null>,
  from: number,
  first: Promise<number | null>,
): Promise<Array<number | null>> {
  values.push(await first);
  for (let i = from + 1; i < fields.length; i++) values.push(await numberField(turn, raw, effective, ...fields[i]));
  return values;
}

function checkedNumber(value: Json, field: string, error: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new StatesError(error, `${field} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return value;
}
