/**
 * Filters on a field of an execution's input or output, as the API takes them: `input.user.email=a@b.com`.
 * Each becomes a JSON containment (`input @> {"user":{"email":"a@b.com"}}`), which the GIN indexes of
 * 0014_sessions.sql answer. A value that reads as a JSON number, true, false, null or a "quoted string"
 * is that JSON value; any other text is a string.
 */
import { EngineError, type Json, type JsonObject } from '../shared/index.ts';

export type FieldColumn = 'input' | 'output';

/** `input.user.email`: a column, then 1 to 8 field names of letters, digits, `_` and `-`. */
export const fieldFilterPattern = /^(input|output)((?:\.[A-Za-z0-9_-]{1,100}){1,8})$/;
const maxFilters = 10;

function valueOf(text: string): Json {
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null|"(?:[^"\\]|\\.)*")$/.test(text)) {
    try {
      return JSON.parse(text) as Json;
    } catch {
      return text;
    }
  }
  return text;
}

function nest(path: string[], value: Json, into: JsonObject): void {
  let at = into;
  for (const [i, field] of path.entries()) {
    if (i === path.length - 1) {
      if (Object.hasOwn(at, field)) throw new EngineError('INPUT_INVALID', `The request is invalid: two filters on the same field ${path.join('.')}`);
      at[field] = value;
    } else {
      const next = at[field];
      if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next))) {
        throw new EngineError('INPUT_INVALID', `The request is invalid: ${path.slice(0, i + 1).join('.')} is filtered both as a value and as an object`);
      }
      at = (at[field] ??= {}) as JsonObject;
    }
  }
}

/** The containment objects of the `input.*` and `output.*` entries of a query (null when none). */
export function fieldFilters(query: Record<string, unknown>): Record<FieldColumn, JsonObject | null> {
  const out: Record<FieldColumn, JsonObject | null> = { input: null, output: null };
  const entries = Object.entries(query).filter(([key]) => fieldFilterPattern.test(key));
  if (entries.length > maxFilters) throw new EngineError('INPUT_INVALID', `The request is invalid: at most ${maxFilters} input./output. filters`);
  for (const [key, value] of entries) {
    const [, column, path] = fieldFilterPattern.exec(key)!;
    nest(path.slice(1).split('.'), valueOf(String(value)), (out[column as FieldColumn] ??= {}));
  }
  return out;
}
