/**
 * The `flow:` block of a workflow file: how starts of the workflow are admitted, whatever started them.
 *
 *   flow:
 *     concurrency: {limit: 1, key: $.userId}     # at most `limit` running per key
 *     rateLimit: {limit: 10, periodSeconds: 60, key: $.userId}
 *     debounce: {seconds: 5, key: $.userId}       # one start per quiet window, the last input wins
 *     priority: 10                                # higher is admitted (and claimed) first
 *     singleton: {key: $.userId}                  # at most one running per key
 *
 * Keys are Reference Paths over the start's input (`$.user.id`); without a key, the whole workflow is
 * one key. Every problem is reported with its pointer.
 */
import type { Problem } from './problems.ts';
import { parsePath, PathSyntaxError } from './json-path-syntax.ts';
import { didYouMean, join, quote, show, typeOf } from './validate/context.ts';

export interface FlowControl {
  concurrency?: { limit: number; key?: string };
  rateLimit?: { limit: number; periodSeconds: number; key?: string };
  debounce?: { seconds: number; key?: string };
  priority?: number;
  singleton?: { key?: string };
}

type FieldCheck = (value: unknown, pointer: string) => Problem[];

const positiveInteger = (what: string): FieldCheck => (value, pointer) =>
  typeof value === 'number' && Number.isInteger(value) && value > 0
    ? []
    : [{ code: typeof value === 'number' ? 'NUMBER_OUT_OF_RANGE' : 'FIELD_TYPE', message: `${what} must be a positive integer, not ${show(value)}.`, pointer }];

const positiveNumber = (what: string): FieldCheck => (value, pointer) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0
    ? []
    : [{ code: typeof value === 'number' ? 'NUMBER_OUT_OF_RANGE' : 'FIELD_TYPE', message: `${what} must be a positive number, not ${show(value)}.`, pointer }];

function keyPath(what: string): FieldCheck {
  return (value, pointer) => {
    if (typeof value !== 'string') return [{ code: 'FIELD_TYPE', message: `${what} must be a JSONPath string such as "$.userId", not ${typeOf(value)}.`, pointer }];
    try {
      const path = parsePath(value);
      if (path.root.kind === 'input' && path.isReference) return [];
    } catch (e) {
      if (!(e instanceof PathSyntaxError)) throw e;
    }
    return [{ code: 'PATH_INVALID', message: `${what} ${show(value)} must be a Reference Path over the input, such as "$.userId" or "$.user.id".`, pointer }];
  };
}

/** Checks an object's fields against a table; required fields must be present. */
function checkFields(value: unknown, pointer: string, what: string, fields: Record<string, FieldCheck>, required: string[]): Problem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ code: 'FIELD_TYPE', message: `${what} must be an object, not ${typeOf(value)}.`, pointer }];
  }
  const problems: Problem[] = [];
  for (const [field, fieldValue] of Object.entries(value)) {
    const check = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (!check) {
      problems.push({ code: 'FIELD_UNKNOWN', message: `${quote(field)} is not a field of ${what}.${didYouMean(field, Object.keys(fields))}`, pointer: join(pointer, field) });
    } else {
      problems.push(...check(fieldValue, join(pointer, field)));
    }
  }
  for (const field of required) {
    if (!(field in value)) problems.push({ code: 'FIELD_REQUIRED', message: `${what} needs ${field}.`, pointer });
  }
  return problems;
}

const flowFields: Record<string, FieldCheck> = {
  concurrency: (value, pointer) =>
    checkFields(value, pointer, 'flow.concurrency', { limit: positiveInteger('flow.concurrency.limit'), key: keyPath('flow.concurrency.key') }, ['limit']),
  rateLimit: (value, pointer) =>
    checkFields(value, pointer, 'flow.rateLimit', {
      limit: positiveInteger('flow.rateLimit.limit'), periodSeconds: positiveNumber('flow.rateLimit.periodSeconds'), key: keyPath('flow.rateLimit.key'),
    }, ['limit', 'periodSeconds']),
  debounce: (value, pointer) =>
    checkFields(value, pointer, 'flow.debounce', { seconds: positiveNumber('flow.debounce.seconds'), key: keyPath('flow.debounce.key') }, ['seconds']),
  priority: (value, pointer) =>
    typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 1000
      ? []
      : [{ code: typeof value === 'number' ? 'NUMBER_OUT_OF_RANGE' : 'FIELD_TYPE', message: `flow.priority must be an integer from -1000 to 1000, not ${show(value)}.`, pointer }],
  singleton: (value, pointer) => checkFields(value, pointer, 'flow.singleton', { key: keyPath('flow.singleton.key') }, []),
};

/** Every problem of a `flow:` block; none means the value is a FlowControl. */
export function checkFlowControl(value: unknown, pointer: string): Problem[] {
  return checkFields(value, pointer, 'flow', flowFields, []);
}
