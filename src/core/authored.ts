/**
 * Which strings of a Task's parameters the author wrote (see shared/authored.ts): the literal strings of its
 * Parameters or Arguments that hold `${`, at the key they take once the template is evaluated. It mirrors the
 * evaluation in template.ts and jsonata.ts: a `.$` key with a string value (a path or an intrinsic function)
 * and a `{% %}` string (JSONata) produce data, never authored text, whatever they evaluate to; an output key
 * that both a literal and a `.$` key produce counts as data. Computed once per state.
 */
import type { TaskState } from '../asl/index.ts';
import { isJsonObject, type AuthoredText, type Json } from '../shared/index.ts';
import { isJsonataString } from './jsonata.ts';

const computed = new WeakMap<TaskState, AuthoredText>();

/** The authored text of a Task's parameters; null when it has no literal reference (most Tasks). */
export function authoredTextOf(state: TaskState, language: 'JSONPath' | 'JSONata'): AuthoredText {
  let shape = computed.get(state);
  if (shape === undefined) {
    const template = language === 'JSONata' ? state.Arguments : state.Parameters;
    shape = template === undefined ? null : walk(template, language === 'JSONata');
    computed.set(state, shape);
  }
  return shape;
}

function walk(template: Json, jsonata: boolean): AuthoredText {
  if (typeof template === 'string') return template.includes('${') && !(jsonata && isJsonataString(template)) ? template : null;
  if (Array.isArray(template)) {
    const items = template.map((item) => walk(item, jsonata));
    return items.some((item) => item !== null) ? items : null;
  }
  if (!isJsonObject(template)) return null;
  const out: { [key: string]: AuthoredText } = Object.create(null);
  const evaluated = new Set<string>();
  for (const [key, value] of Object.entries(template)) {
    if (!jsonata && key.endsWith('.$') && typeof value === 'string') {
      evaluated.add(key.slice(0, -2));
      continue;
    }
    const shape = walk(value, jsonata);
    if (shape !== null) out[key] = shape;
  }
  for (const key of evaluated) delete out[key];
  return Object.keys(out).length > 0 ? out : null;
}
