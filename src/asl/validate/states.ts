/**
 * One state: its Type, its query language, the fields its type allows in that language, each field's
 * value, the fields that exclude or require each other, and Next/End. Every step reads a table.
 */
import type { JsonObject } from '../../shared/index.ts';
import type { QueryLanguage, StateType } from '../types.ts';
import { didYouMean, join, quote, report, reportState, show, typeOf, type Context, type StateScope } from './context.ts';
import { checkFields } from './check-fields.ts';
import { checkChoices } from './choice.ts';
import { simpleFieldChecks, type FieldCheck } from './field-checks.ts';
import { exclusiveFields, hasTransition, knownStateFields, requiredFields, stateFields, stateTypes } from './fields.ts';
import { checkJsonataFields } from './jsonata.ts';
import { checkBranches, checkItemBatcher, checkItemProcessor, checkIterator } from './nested.ts';
import { checkCatch, checkRetry } from './retry-catch.ts';

const fieldChecks: Readonly<Record<string, FieldCheck>> = {
  ...simpleFieldChecks,
  Choices: checkChoices,
  Branches: checkBranches,
  ItemProcessor: checkItemProcessor,
  Iterator: checkIterator,
  ItemBatcher: checkItemBatcher,
  Retry: checkRetry,
  Catch: checkCatch,
};

/** Rules that look at several fields of one state type at once. */
const typeRules: Readonly<Partial<Record<StateType, (scope: StateScope) => void>>> = {
  Task: (scope) => {
    checkResourceKnown(scope);
    checkHeartbeatBelowTimeout(scope);
  },
};

const languages: readonly QueryLanguage[] = ['JSONPath', 'JSONata'];

export function validateState(ctx: Context, name: string, pointer: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report(ctx, 'FIELD_TYPE', pointer, `State ${quote(name)} must be an object, not ${typeOf(value)}.`);
    return;
  }
  const state = value as JsonObject;
  const type = stateTypeOf(ctx, name, pointer, state.Type);
  const language = languageOf(ctx, name, pointer, state.QueryLanguage);
  if (!type) return;
  const scope: StateScope = { ctx, name, pointer, state, language };
  const what = `a ${type} state`;
  const allowed = checkFields(state, pointer, stateFields[type], { what, language, vocabulary: knownStateFields }, (code, at, message) =>
    reportState(scope, code, at, message),
  );
  for (const field of allowed) fieldChecks[field]?.(scope, state[field], join(pointer, field), field);
  checkRequired(scope, type);
  checkExclusive(scope, type);
  checkTransition(scope, type);
  typeRules[type]?.(scope);
  if (language === 'JSONata') checkJsonataFields(scope, type, allowed);
}

function stateTypeOf(ctx: Context, name: string, pointer: string, type: unknown): StateType | undefined {
  if (typeof type === 'string' && (stateTypes as string[]).includes(type)) return type as StateType;
  if (type === undefined) {
    report(ctx, 'FIELD_REQUIRED', join(pointer, 'Type'), `State ${quote(name)} needs a Type: one of ${stateTypes.join(', ')}.`);
  } else {
    const hint = typeof type === 'string' ? didYouMean(type, stateTypes) : '';
    report(ctx, 'STATE_TYPE_UNKNOWN', join(pointer, 'Type'), `State ${quote(name)}: Type ${show(type)} is not a state type (${stateTypes.join(', ')}).${hint}`);
  }
  return undefined;
}

/** A state's own QueryLanguage, else the top level's. A JSONata top level admits no JSONPath state. */
function languageOf(ctx: Context, name: string, pointer: string, own: unknown): QueryLanguage {
  const at = join(pointer, 'QueryLanguage');
  if (own === undefined) return ctx.topLanguage;
  if (!languages.includes(own as QueryLanguage)) {
    report(ctx, 'ENUM_INVALID', at, `State ${quote(name)}: QueryLanguage must be "JSONPath" or "JSONata", not ${show(own)}.`);
    return ctx.topLanguage;
  }
  if (ctx.topLanguage === 'JSONata' && own === 'JSONPath') {
    report(
      ctx,
      'QUERY_LANGUAGE_CONFLICT',
      at,
      `State ${quote(name)}: the state machine uses JSONata, and a JSONata state machine cannot contain JSONPath states. Set "QueryLanguage": "JSONPath" at the top level and "JSONata" on the states that use it instead.`,
    );
  }
  return own as QueryLanguage;
}

function isAvailable(type: StateType, field: string, language: QueryLanguage): boolean {
  const availability = stateFields[type][field];
  return availability === 'both' || availability === language;
}

function checkRequired(scope: StateScope, type: StateType): void {
  for (const field of requiredFields[type] ?? []) {
    if (scope.state[field] === undefined) {
      reportState(scope, 'FIELD_REQUIRED', join(scope.pointer, field), `a ${type} state needs ${field}.`);
    }
  }
}

function checkExclusive(scope: StateScope, type: StateType): void {
  for (const group of exclusiveFields[type] ?? []) {
    const written = group.fields.filter((field) => field in scope.state);
    const usable = group.fields.filter((field) => isAvailable(type, field, scope.language));
    const present = written.filter((field) => usable.includes(field));
    for (const extra of present.slice(1)) {
      reportState(scope, 'FIELDS_CONFLICT', join(scope.pointer, extra), `${present[0]} and ${extra} cannot be used together; keep one.`);
    }
    if (group.required && written.length === 0) {
      reportState(scope, 'FIELD_REQUIRED', scope.pointer, `a ${type} state needs exactly one of ${orList(usable)}.`);
    }
  }
}

function orList(fields: readonly string[]): string {
  return fields.length <= 1 ? fields.join('') : `${fields.slice(0, -1).join(', ')} or ${fields[fields.length - 1]}`;
}

function checkTransition(scope: StateScope, type: StateType): void {
  if (!hasTransition[type]) return;
  const { state, pointer } = scope;
  if ('Next' in state && 'End' in state) {
    reportState(scope, 'TRANSITION_CONFLICT', join(pointer, 'End'), 'has both Next and End; a state either continues to Next or ends with "End": true.');
  } else if (!('Next' in state) && !('End' in state)) {
    reportState(scope, 'TRANSITION_REQUIRED', pointer, `a ${type} state needs Next (the state that follows) or "End": true.`);
  }
}

/** Resource names may carry the `.sync` / `.sync:2` and `.waitForTaskToken` suffixes of the integration patterns. */
export function resourceBaseName(resource: string): string {
  return resource.replace(/\.waitForTaskToken$/, '').replace(/\.sync(:2)?$/, '');
}

function checkResourceKnown(scope: StateScope): void {
  const { Resource } = scope.state;
  const known = scope.ctx.isKnownResource;
  if (typeof Resource !== 'string' || !known || known(resourceBaseName(Resource))) return;
  reportState(
    scope,
    'RESOURCE_UNKNOWN',
    join(scope.pointer, 'Resource'),
    `Resource ${quote(Resource)} is not a built-in resource, nor declared in nightshift.yaml, nor registered in code.`,
  );
}

function checkHeartbeatBelowTimeout(scope: StateScope): void {
  const { TimeoutSeconds, HeartbeatSeconds } = scope.state;
  // Compared only when both are valid; an invalid one is reported on its own.
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
  if (!valid(TimeoutSeconds) || !valid(HeartbeatSeconds) || HeartbeatSeconds < TimeoutSeconds) return;
  reportState(
    scope,
    'HEARTBEAT_NOT_BELOW_TIMEOUT',
    join(scope.pointer, 'HeartbeatSeconds'),
    `HeartbeatSeconds (${HeartbeatSeconds}) must be smaller than TimeoutSeconds (${TimeoutSeconds}).`,
  );
}
