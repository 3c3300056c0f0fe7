/**
 * The executions search as the address and the API hold it. A field filter is typed as
 * `user.email = "a@b.com"` (the input's field) or `output.total = 42`; the API takes it as the query
 * parameter `input.user.email` with the value as typed: quoted text is a string, a bare number,
 * true, false or null is that JSON value, other bare text a string.
 */

export interface FieldFilter {
  /** `input.user.email` */
  param: string;
  value: string;
}

const fieldPath = /^[A-Za-z0-9_-]{1,100}(\.[A-Za-z0-9_-]{1,100}){0,7}$/;

/** `user.email = "a@b.com"` → `{ param: 'input.user.email', value: '"a@b.com"' }`; an Error saying what is wrong otherwise. */
export function parseFieldFilter(text: string): FieldFilter {
  const at = text.indexOf('=');
  if (at < 0) throw new Error('Write a field filter as field = value, e.g. user.email = "a@b.com"');
  let path = text.slice(0, at).trim();
  const value = text.slice(at + 1).trim();
  let column = 'input';
  const prefix = /^(input|output)\./.exec(path);
  if (prefix) {
    column = prefix[1];
    path = path.slice(prefix[0].length);
  }
  if (!fieldPath.test(path)) throw new Error(`"${path}" is not a field path: names of letters, digits, _ and -, joined by dots (at most 8)`);
  if (value === '') throw new Error('The value is missing after =');
  return { param: `${column}.${path}`, value };
}

/** The query the API gets for the search fields kept in the address. */
export function searchQuery(filter: Record<'workflow' | 'status' | 'after' | 'before' | 'field' | 'name' | 'key', string>): Record<string, string> {
  const query: Record<string, string> = {};
  if (filter.workflow) query.workflow = filter.workflow;
  if (filter.status) query.status = filter.status;
  if (filter.after) query.startedAfter = filter.after;
  if (filter.before) query.startedBefore = filter.before;
  if (filter.name) query.name = filter.name;
  if (filter.key) query.idempotencyKey = filter.key;
  if (filter.field) {
    const { param, value } = parseFieldFilter(filter.field);
    query[param] = value;
  }
  return query;
}
