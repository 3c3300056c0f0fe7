/**
 * Text Postgres cannot store: a NUL character (text and jsonb refuse it) and half of a surrogate pair
 * (not encodable as UTF-8; jsonb refuses `\ud800`). Input holding either is refused at the edge with
 * INPUT_INVALID, where it is the caller's mistake, instead of failing later in a statement as a 500.
 */
import type { Problem } from './route.ts';

const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const message = 'contains a NUL character or half of a surrogate pair, which cannot be stored';

/** Adds a problem for each string (or object key) of a JSON-like value that cannot be stored. */
export function findUnstorable(value: unknown, at: string, problems: Problem[]): void {
  if (typeof value === 'string') {
    if (unstorable.test(value)) problems.push({ path: at, message });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => findUnstorable(item, `${at}.${i}`, problems));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (unstorable.test(key)) problems.push({ path: at, message: `a field name ${message}` });
      else findUnstorable(item, `${at}.${key}`, problems);
    }
  }
}
