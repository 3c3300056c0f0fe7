/** A JSON value as it travels through definitions, inputs, outputs and snapshots. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const utf8 = new TextEncoder();

/** The byte size of a value once serialized, as the payload limits count it. */
export function jsonByteSize(value: Json | undefined): number {
  if (value === undefined) return 0;
  return utf8.encode(JSON.stringify(value)).length;
}

/**
 * A bound on the serialized size that allocates nothing: 6 bytes per UTF-16 unit of a string (the
 * longest escape, `\u001f`), 25 per number. Stops once past `stop`.
 */
function upperBound(value: Json, stop: number): number {
  if (value === null || typeof value === 'boolean') return 5;
  if (typeof value === 'number') return 25;
  if (typeof value === 'string') return value.length * 6 + 2;
  let total = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      total += upperBound(item, stop) + 1;
      if (total > stop) return total;
    }
    return total;
  }
  for (const key in value) {
    total += key.length * 6 + 4 + upperBound(value[key], stop);
    if (total > stop) return total;
  }
  return total;
}

/**
 * Whether a value serializes to more than `limit` bytes. UTF-8 takes at most 3 bytes per UTF-16 unit
 * (a surrogate pair, 2 units, takes 4), so most values are decided from the string length alone,
 * without encoding (measured: the encode was ~4% of a short workflow's time).
 */
export function exceedsJsonBytes(value: Json | undefined, limit: number): boolean {
  if (value === undefined) return false;
  if (upperBound(value, limit) <= limit) return false;
  const text = JSON.stringify(value);
  if (text.length * 3 <= limit) return false;
  if (text.length > limit) return true;
  return utf8.encode(text).length > limit;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID as Postgres reads one: anything else would reach SQL as an error. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/**
 * The deepest nesting of arrays and objects a value may have anywhere it comes from (a request body, an
 * input, a task result, a task-token answer). Walks of values are recursive in places (JSONPath,
 * templates, JSONata, JSON.stringify itself), and 5 000 levels overflow the stack; 256 is far above
 * what real data nests (docs/limits.md, "Nesting depth").
 */
export const maxJsonDepth = 256;

/** Whether a value nests arrays and objects deeper than `max`, found without recursion. */
export function exceedsJsonDepth(value: unknown, max = maxJsonDepth): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > max) return true;
    const children = Array.isArray(node) ? node : Object.values(node as object);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** The same question about JSON text, before it is parsed: brackets outside strings, in one pass. */
export function exceedsJsonTextDepth(text: string, max = maxJsonDepth): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
