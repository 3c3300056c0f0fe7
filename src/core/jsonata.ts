/**
 * JSONata in JSONata states: any string written `{% expression %}` inside Arguments, Output, Assign,
 * Items, ItemSelector, Condition, Seconds, ... is evaluated; every other value is taken literally.
 * Expressions are compiled once per text. `$states` and the workflow variables are bindings, plus the
 * functions Step Functions adds to JSONata; `$now()`/`$millis()` read the step's `now`, not the clock.
 */
import jsonata from 'jsonata';
import { LinearRegexEngine, isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
import { StatesError } from './failure.ts';
import { stepFunctionsJsonataFunctions, type JsonataEnv } from './jsonata-functions.ts';

export interface JsonataScope extends JsonataEnv {
  /** `$states`: input, result, errorOutput and context, as far as the state has them. */
  states: JsonObject;
  /** Every variable visible to the state, outer scopes included. */
  variables: JsonObject;
}

const compiled = new Map<string, jsonata.Expression>();

export function isJsonataString(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}');
}

function compile(text: string): jsonata.Expression {
  let expression = compiled.get(text);
  if (!expression) {
    try {
      // Regex literals are the author's, but they run over caller data: on RE2, in linear time.
      expression = jsonata(text.slice(2, -2), { RegexEngine: LinearRegexEngine as unknown as RegExpConstructor });
    } catch (e) {
      throw new StatesError('States.QueryEvaluationError', `Invalid JSONata expression ${text}: ${messageOf(e)}`);
    }
    compiled.set(text, expression);
  }
  return expression;
}

/**
 * Evaluates `{% %}` strings anywhere inside `value`. An expression that yields no value (a missing
 * field, a variable not assigned yet) is States.QueryEvaluationError, as Step Functions has it.
 */
export async function evaluateJsonata(value: Json, scope: JsonataScope, where: string): Promise<Json> {
  if (typeof value === 'string') {
    return isJsonataString(value) ? evaluateExpression(value, scope, where) : value;
  }
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) out.push(await evaluateJsonata(item, scope, where));
    return out;
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = await evaluateJsonata(item, scope, where);
    return out;
  }
  return value;
}

async function evaluateExpression(text: string, scope: JsonataScope, where: string): Promise<Json> {
  const expression = compile(text);
  const bindings: Record<string, unknown> = {
    ...scope.variables,
    ...stepFunctionsJsonataFunctions(scope),
    states: scope.states,
  };
  let result: unknown;
  try {
    result = await expression.evaluate(scope.states.input, bindings);
  } catch (e) {
    throw new StatesError('States.QueryEvaluationError', `${where}: ${messageOf(e)} in ${text}`);
  }
  const json = toJson(result, text, where);
  if (json === undefined) {
    throw new StatesError('States.QueryEvaluationError', `${where}: the JSONata expression ${text} returned no value`);
  }
  return json;
}

/** JSONata may return sequences (arrays with extra flags), undefined members and functions: keep JSON only. */
function toJson(value: unknown, text: string, where: string): Json | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new StatesError('States.QueryEvaluationError', `${where}: ${text} returned a number JSON cannot hold`);
    }
    return value;
  }
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) {
      const json = toJson(item, text, where);
      if (json !== undefined) out.push(json);
    }
    return out;
  }
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const json = toJson(item, text, where);
      if (json !== undefined) out[key] = json;
    }
    return out;
  }
  throw new StatesError('States.QueryEvaluationError', `${where}: ${text} returned a function, which is not JSON`);
}

function messageOf(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const { message, position } = e as { message: unknown; position?: unknown };
    return position === undefined ? String(message) : `${String(message)} (at position ${String(position)})`;
  }
  return String(e);
}
