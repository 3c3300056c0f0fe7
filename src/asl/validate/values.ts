/**
 * Checks on single values (numbers, timestamps, expressions). Each returns a finding (code and message
 * fragment) or undefined, so the caller decides the pointer and the wording around it.
 */
import { typeOf, show } from './context.ts';

export interface Finding {
  code: string;
  message: string;
}

/** A JSONata expression as ASL writes it: the whole string is `{% ... %}`. */
export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

interface NumberRule {
  test: (n: number) => boolean;
  describe: string;
}

export const numberRules = {
  positiveInteger: { test: (n) => Number.isInteger(n) && n > 0, describe: 'a positive integer' },
  nonNegativeInteger: { test: (n) => Number.isInteger(n) && n >= 0, describe: 'a non-negative integer' },
  percentage: { test: (n) => n >= 0 && n <= 100, describe: 'a number from 0 to 100' },
  atLeastOne: { test: (n) => n >= 1, describe: 'a number greater than or equal to 1.0' },
} satisfies Record<string, NumberRule>;

export type NumberRuleName = keyof typeof numberRules;

/**
 * A number that must satisfy a rule. In a JSONata state the field may instead hold an expression that
 * produces the number when the state runs.
 */
export function checkNumber(value: unknown, rule: NumberRuleName, allowExpression: boolean): Finding | undefined {
  const { test, describe } = numberRules[rule];
  if (allowExpression && isExpression(value)) return undefined;
  const expected = allowExpression ? `${describe} or a JSONata expression "{% ... %}"` : describe;
  if (typeof value !== 'number') return { code: 'FIELD_TYPE', message: `must be ${expected}, not ${typeOf(value)}.` };
  if (!test(value)) return { code: 'NUMBER_OUT_OF_RANGE', message: `must be ${expected}; ${show(value)} is not.` };
  return undefined;
}

const timestampShape = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * The spec's timestamps: RFC 3339 with an uppercase "T" between date and time and an uppercase "Z" when
 * there is no numeric offset, e.g. "2016-03-14T01:59:00Z".
 */
export function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = timestampShape.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = match[8] === 'Z' || (Number(match[9]) <= 23 && Number(match[10]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60 && offsetOk;
}

export function checkTimestamp(value: unknown, allowExpression: boolean): Finding | undefined {
  if (allowExpression && isExpression(value)) return undefined;
  if (typeof value !== 'string') return { code: 'FIELD_TYPE', message: `must be a timestamp string, not ${typeOf(value)}.` };
  if (!isTimestamp(value)) {
    return {
      code: 'TIMESTAMP_INVALID',
      message: `${show(value)} is not an RFC 3339 timestamp such as "2016-03-14T01:59:00Z" (uppercase T and Z).`,
    };
  }
  return undefined;
}

export function checkString(value: unknown): Finding | undefined {
  return typeof value === 'string' ? undefined : { code: 'FIELD_TYPE', message: `must be a string, not ${typeOf(value)}.` };
}

export function checkBoolean(value: unknown): Finding | undefined {
  return typeof value === 'boolean' ? undefined : { code: 'FIELD_TYPE', message: `must be true or false, not ${typeOf(value)}.` };
}

export function checkObject(value: unknown): Finding | undefined {
  const ok = typeof value === 'object' && value !== null && !Array.isArray(value);
  return ok ? undefined : { code: 'FIELD_TYPE', message: `must be an object, not ${typeOf(value)}.` };
}

export function checkEnum(value: unknown, allowed: readonly string[]): Finding | undefined {
  if (typeof value === 'string' && allowed.includes(value)) return undefined;
  const list = allowed.map((v) => JSON.stringify(v)).join(', ');
  return { code: 'ENUM_INVALID', message: `must be one of ${list}, not ${show(value)}.` };
}
