/**
 * What the value of each simple state field must be, as a table from field name to check. A field has the
 * same meaning in every state type that accepts it; the check sees the state's query language.
 */
import { join, quote, reportState, show, type StateScope } from './context.ts';
import { checkPath, checkPathOrIntrinsic, checkPayloadTemplate, reportFinding, type PathKind } from './paths.ts';
import {
  checkNumber, checkObject, checkString, checkTimestamp, isExpression, type Finding, type NumberRuleName,
} from './values.ts';

export type FieldCheck = (scope: StateScope, value: unknown, pointer: string, field: string) => void;

const finding =
  (test: (value: unknown, scope: StateScope) => Finding | undefined): FieldCheck =>
  (scope, value, pointer, field) =>
    reportFinding(scope, test(value, scope), pointer, field);

const path = (kind: PathKind, nullable = false): FieldCheck =>
  finding((value) => (nullable && value === null ? undefined : checkPath(value, kind)));

const number = (rule: NumberRuleName): FieldCheck =>
  finding((value, scope) => checkNumber(value, rule, scope.language === 'JSONata'));

/** Payload templates: ".$" keys in JSONPath; in JSONata the expressions are checked by the JSONata walk. */
const template =
  (mustBeObject: boolean): FieldCheck =>
  (scope, value, pointer, field) => {
    const shape = mustBeObject && !(scope.language === 'JSONata' && isExpression(value)) ? checkObject(value) : undefined;
    reportFinding(scope, shape, pointer, field);
    if (scope.language === 'JSONPath') checkPayloadTemplate(scope, value, pointer, field);
  };

const endMustBeTrue: FieldCheck = (scope, value, pointer) => {
  if (value === true) return;
  const fix = value === false ? ' To continue to another state, remove End and write Next.' : '';
  reportState(scope, 'END_INVALID', pointer, `End may only be true, not ${show(value)}.${fix}`);
};

const objectOrExpression = finding((value) =>
  isExpression(value) || checkObject(value) === undefined
    ? undefined
    : { code: 'FIELD_TYPE', message: 'must be an object or a JSONata expression "{% ... %}".' },
);

const itemsValue = finding((value) =>
  Array.isArray(value) || isExpression(value) || checkObject(value) === undefined
    ? undefined
    : { code: 'FIELD_TYPE', message: 'must be an array, an object or a JSONata expression "{% ... %}".' },
);

/** Variable names follow the identifiers `$name` paths accept; `states` is reserved by the engine. */
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

const assignVariables: FieldCheck = (scope, value, pointer, field) => {
  const shape = checkObject(value);
  if (shape || typeof value !== 'object' || value === null) return reportFinding(scope, shape, pointer, field);
  for (const key of Object.keys(value)) {
    const name = scope.language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
    if (!variableName.test(name) || name === 'states') {
      const why = name === 'states' ? '"states" is reserved' : 'a variable name starts with a letter or "_" and has only letters, digits and "_"';
      reportState(scope, 'VARIABLE_NAME_INVALID', join(pointer, key), `Assign cannot set ${quote(name)}: ${why}.`);
    }
  }
  if (scope.language === 'JSONPath') checkPayloadTemplate(scope, value, pointer, field);
};

export const simpleFieldChecks: Readonly<Record<string, FieldCheck>> = {
  Comment: finding(checkString),
  Next: finding(checkString),
  Default: finding(checkString),
  End: endMustBeTrue,
  InputPath: path('path', true),
  OutputPath: path('path', true),
  ResultPath: path('result', true),
  ItemsPath: path('reference'),
  SecondsPath: path('reference'),
  TimestampPath: path('reference'),
  TimeoutSecondsPath: path('reference'),
  HeartbeatSecondsPath: path('reference'),
  MaxConcurrencyPath: path('reference'),
  ToleratedFailurePercentagePath: path('reference'),
  ToleratedFailureCountPath: path('reference'),
  ErrorPath: finding((value) => checkPathOrIntrinsic(value, 'reference')),
  CausePath: finding((value) => checkPathOrIntrinsic(value, 'reference')),
  Parameters: template(false),
  ResultSelector: template(true),
  ItemSelector: template(true),
  Credentials: template(true),
  Arguments: objectOrExpression,
  Items: itemsValue,
  Assign: assignVariables,
  Resource: finding(checkString),
  TimeoutSeconds: number('positiveInteger'),
  HeartbeatSeconds: number('positiveInteger'),
  Seconds: number('nonNegativeInteger'),
  Timestamp: finding((value, scope) => checkTimestamp(value, scope.language === 'JSONata')),
  MaxConcurrency: number('nonNegativeInteger'),
  ToleratedFailurePercentage: number('percentage'),
  ToleratedFailureCount: number('nonNegativeInteger'),
  Error: finding(checkString),
  Cause: finding(checkString),
  Label: finding(checkString),
  ItemReader: finding(checkObject),
  ResultWriter: finding(checkObject),
  Result: () => undefined,
  Output: () => undefined,
};
