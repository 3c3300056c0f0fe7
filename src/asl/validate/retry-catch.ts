/**
 * Retry and Catch: arrays of retriers and catchers, each matching errors by name. "States.ALL" matches
 * everything, so it must stand alone and come last.
 */
import { join, quote, reportState, typeOf, type StateScope } from './context.ts';
import { checkFields } from './check-fields.ts';
import type { FieldCheck } from './field-checks.ts';
import { simpleFieldChecks } from './field-checks.ts';
import { catcherFields, retrierFields, type FieldTable } from './fields.ts';
import { reportFinding } from './paths.ts';
import { checkEnum, checkNumber, checkString, type Finding } from './values.ts';

const retrierValueChecks: Readonly<Record<string, (value: unknown) => Finding | undefined>> = {
  IntervalSeconds: (value) => checkNumber(value, 'positiveInteger', false),
  MaxAttempts: (value) => checkNumber(value, 'nonNegativeInteger', false),
  BackoffRate: (value) => checkNumber(value, 'atLeastOne', false),
  MaxDelaySeconds: (value) => checkNumber(value, 'positiveInteger', false),
  JitterStrategy: (value) => checkEnum(value, ['FULL', 'NONE']),
  Comment: checkString,
};

const catcherChecks: Readonly<Record<string, FieldCheck>> = {
  Next: simpleFieldChecks.Next,
  ResultPath: simpleFieldChecks.ResultPath,
  Assign: simpleFieldChecks.Assign,
  Comment: simpleFieldChecks.Comment,
};

export const checkRetry: FieldCheck = (scope, value, pointer) =>
  checkHandlers(scope, value, pointer, 'Retry', retrierFields, (item, at, label, allowed) => {
    for (const field of allowed) {
      reportFinding(scope, retrierValueChecks[field]?.(item[field]), join(at, field), `${label}.${field}`);
    }
  });

export const checkCatch: FieldCheck = (scope, value, pointer) =>
  checkHandlers(scope, value, pointer, 'Catch', catcherFields, (item, at, label, allowed) => {
    if (item.Next === undefined) {
      reportState(scope, 'FIELD_REQUIRED', join(at, 'Next'), `${label} needs Next: the state to go to when it catches an error.`);
    }
    for (const field of allowed) catcherChecks[field]?.(scope, item[field], join(at, field), `${label}.${field}`);
  });

type ItemCheck = (item: Record<string, unknown>, pointer: string, label: string, allowed: string[]) => void;

function checkHandlers(
  scope: StateScope,
  value: unknown,
  pointer: string,
  field: 'Retry' | 'Catch',
  table: FieldTable,
  checkItem: ItemCheck,
): void {
  if (!Array.isArray(value)) {
    reportState(scope, 'FIELD_TYPE', pointer, `${field} must be an array, not ${typeOf(value)}.`);
    return;
  }
  const what = field === 'Retry' ? 'a retrier' : 'a catcher';
  value.forEach((item: unknown, index) => {
    const at = join(pointer, index);
    const label = `${field}[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      reportState(scope, 'FIELD_TYPE', at, `${label} must be an object, not ${typeOf(item)}.`);
      return;
    }
    const record = item as Record<string, unknown>;
    const allowed = checkFields(record, at, table, { what, language: scope.language }, (code, p, message) =>
      reportState(scope, code, p, `${label}: ${message}`),
    );
    const matchesAll = checkErrorEquals(scope, record.ErrorEquals, join(at, 'ErrorEquals'), label);
    if (matchesAll && index < value.length - 1) {
      reportState(
        scope,
        'STATES_ALL_NOT_LAST',
        join(at, 'ErrorEquals'),
        `${label} matches "States.ALL", so it must be the last entry of ${field}; the entries after it could never be used.`,
      );
    }
    checkItem(record, at, label, allowed);
  });
}

/** Checks ErrorEquals and tells whether it is ["States.ALL"]. */
function checkErrorEquals(scope: StateScope, value: unknown, pointer: string, label: string): boolean {
  if (value === undefined) {
    reportState(scope, 'FIELD_REQUIRED', pointer, `${label} needs ErrorEquals: a non-empty array of error names.`);
    return false;
  }
  if (!Array.isArray(value) || value.length === 0) {
    const code = Array.isArray(value) ? 'ARRAY_EMPTY' : 'FIELD_TYPE';
    reportState(scope, code, pointer, `${label}.ErrorEquals must be a non-empty array of error names.`);
    return false;
  }
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string') {
      reportState(scope, 'FIELD_TYPE', join(pointer, i), `${label}.ErrorEquals[${i}] must be an error name string, not ${typeOf(name)}.`);
    }
  });
  const hasAll = value.includes('States.ALL');
  if (hasAll && value.length > 1) {
    reportState(
      scope,
      'STATES_ALL_NOT_ALONE',
      pointer,
      `${label}.ErrorEquals contains ${quote('States.ALL')} with other names; "States.ALL" must be the only name in its ErrorEquals.`,
    );
  }
  return hasAll;
}
