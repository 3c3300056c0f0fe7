/**
 * A named resource's `input:` (nightshift.yaml): how its callers' parameters become the built-in's
 * fields, so a Task written for another engine runs unchanged. The Supabase post's SendEmail passes
 * `template_id` and `payload: {name, email}`; its preset maps them:
 *
 *   input: { to: "{{payload.email}}", template: "{{template_id}}", data: "{{payload}}" }
 *
 * - a string that is one reference, `"{{a.b}}"`, takes that value whole (an object stays an object);
 *   a missing value leaves the field out;
 * - references inside text, `"{{payload.name}} <{{payload.email}}>"`, are replaced by their text
 *   (a missing value by nothing);
 * - `"{{...}}"` is every parameter no other reference of the mapping names (the rest);
 * - objects and lists are mapped element by element; anything else is taken as written.
 * Values are substituted once: a `{{` inside a caller's value is text, never a reference. What the
 * mapping makes is then merged with the preset as a Task's parameters would be (named.ts).
 */
import { isJsonObject, type Json, type JsonObject } from '../shared/index.ts';

const whole = /^\{\{\s*([^{}\s]+)\s*\}\}$/;
const inline = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const rest = '...';

function valueAt(parameters: JsonObject, path: string): Json | undefined {
  let node: Json | undefined = parameters;
  for (const key of path.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (isJsonObject(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

function namedKeys(mapping: Json, into: Set<string>): Set<string> {
  if (typeof mapping === 'string') for (const match of mapping.matchAll(inline)) if (match[1] !== rest) into.add(match[1].split('.')[0]);
  if (Array.isArray(mapping)) for (const item of mapping) namedKeys(item, into);
  if (isJsonObject(mapping)) for (const item of Object.values(mapping)) namedKeys(item, into);
  return into;
}

function render(mapping: Json, parameters: JsonObject, rest_: JsonObject): Json | undefined {
  if (typeof mapping === 'string') {
    const one = whole.exec(mapping);
    if (one) return one[1] === rest ? rest_ : valueAt(parameters, one[1]);
    return mapping.replace(inline, (_, path: string) => {
      const value = path === rest ? rest_ : valueAt(parameters, path);
      return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    });
  }
  if (Array.isArray(mapping)) return mapping.map((item) => render(item, parameters, rest_) ?? null);
  if (isJsonObject(mapping)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(mapping)) {
      const value = render(item, parameters, rest_);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return mapping;
}

/** The built-in's fields made from a Task's parameters by the preset's `input:` mapping. */
export function mapPresetInput(mapping: JsonObject, parameters: JsonObject): JsonObject {
  const named = namedKeys(mapping, new Set());
  const others = Object.fromEntries(Object.entries(parameters).filter(([key]) => !named.has(key))) as JsonObject;
  return render(mapping, parameters, others) as JsonObject;
}
