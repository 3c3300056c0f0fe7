/**
 * Building JSON objects member by member. An assignment `o[key] = v` is the fast way, but with the key
 * `__proto__` (an ordinary member in JSON, e.g. from JSON.parse) it would replace the object's prototype
 * instead of adding a member; that key alone is defined instead.
 */
import type { Json, JsonObject } from '../shared/index.ts';

export function setMember(target: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * A copy of `source` with `key` set to `value` (in place when present, else last), as `{ ...source,
 * [key]: value }` gives. Copied member by member: the spread with a computed key measured ~4x slower
 * here (Node 20), and was ~4% of a short workflow's time in ResultPath writes.
 */
export function withMember(source: JsonObject, key: string, value: Json): JsonObject {
  const copy: JsonObject = {};
  for (const name in source) setMember(copy, name, source[name]);
  setMember(copy, key, value);
  return copy;
}
