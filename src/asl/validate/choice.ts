/**
 * Choice rules. In JSONPath a rule is one comparison (Variable plus exactly one operator) or a combination
 * (And, Or, Not); only top-level rules carry Next and Assign. In JSONata a rule is a Condition.
 */
import { didYouMean, join, quote, reportState, show, typeOf, type StateScope } from './context.ts';
import { simpleFieldChecks, type FieldCheck } from './field-checks.ts';
import { checkPath, reportFinding } from './paths.ts';
import { checkBoolean, checkString, checkTimestamp, isExpression, type Finding } from './values.ts';

type Operand = 'string' | 'number' | 'boolean' | 'timestamp' | 'path' | 'pattern';

const comparisonSuffixes = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'];

/** Every JSONPath comparison operator and the operand it takes. */
const comparisons: Readonly<Record<string, Operand>> = {
  ...family('String', 'string', comparisonSuffixes),
  ...family('Numeric', 'number', comparisonSuffixes),
  ...family('Timestamp', 'timestamp', comparisonSuffixes),
  ...family('Boolean', 'boolean', ['Equals']),
  StringMatches: 'pattern',
  IsNull: 'boolean',
  IsPresent: 'boolean',
  IsNumeric: 'boolean',
  IsString: 'boolean',
  IsBoolean: 'boolean',
  IsTimestamp: 'boolean',
};

function family(prefix: string, operand: Operand, suffixes: string[]): Record<string, Operand> {
  return Object.fromEntries(suffixes.flatMap((s) => [[`${prefix}${s}`, operand], [`${prefix}${s}Path`, 'path']]));
}

const combinations = new Set(['And', 'Or', 'Not']);

/** Only `\*` and `\\` are escapes in StringMatches; any other backslash is a mistake. */
function checkPattern(value: unknown): Finding | undefined {
  if (typeof value !== 'string') return checkString(value);
  if (value.replace(/\\[*\\]/g, '').includes('\\')) {
    return { code: 'CHOICE_OPERAND_INVALID', message: `has a backslash that escapes neither "*" nor "\\" in ${show(value)}.` };
  }
  return undefined;
}

const operandChecks: Readonly<Record<Operand, (value: unknown) => Finding | undefined>> = {
  string: checkString,
  number: (value) => (typeof value === 'number' ? undefined : { code: 'FIELD_TYPE', message: `must be a number, not ${typeOf(value)}.` }),
  boolean: checkBoolean,
  timestamp: (value) => checkTimestamp(value, false),
  path: (value) => checkPath(value, 'path'),
  pattern: checkPattern,
};

export const checkChoices: FieldCheck = (scope, value, pointer) => {
  if (!Array.isArray(value) || value.length === 0) {
    const code = Array.isArray(value) ? 'ARRAY_EMPTY' : 'FIELD_TYPE';
    reportState(scope, code, pointer, `Choices must be a non-empty array of choice rules.`);
    return;
  }
  const check = scope.language === 'JSONata' ? checkJsonataRule : checkJsonPathRule;
  value.forEach((rule: unknown, i) => check(scope, rule, join(pointer, i), `Choices[${i}]`, true));
};

type RuleCheck = (scope: StateScope, rule: unknown, pointer: string, label: string, top: boolean) => void;

function asObject(scope: StateScope, rule: unknown, pointer: string, label: string): Record<string, unknown> | undefined {
  if (typeof rule === 'object' && rule !== null && !Array.isArray(rule)) return rule as Record<string, unknown>;
  reportState(scope, 'FIELD_TYPE', pointer, `${label} must be a choice rule object, not ${typeOf(rule)}.`);
  return undefined;
}

/** Next, Assign and Output belong to top-level rules only. */
function checkTopLevelFields(scope: StateScope, rule: Record<string, unknown>, pointer: string, label: string): void {
  if (rule.Next === undefined) {
    reportState(scope, 'FIELD_REQUIRED', join(pointer, 'Next'), `${label} needs Next: the state to go to when the rule matches.`);
  }
  for (const field of ['Next', 'Assign', 'Comment'] as const) {
    if (rule[field] !== undefined) simpleFieldChecks[field](scope, rule[field], join(pointer, field), `${label}.${field}`);
  }
}

/** Known fields in the wrong place, and why. */
const misplaced: Readonly<Record<string, string>> = {
  Next: 'belongs only on top-level choice rules, not inside And, Or or Not.',
  Assign: 'belongs only on top-level choice rules, not inside And, Or or Not.',
  Condition: 'is a JSONata field and this state uses JSONPath; set "QueryLanguage": "JSONata" to use it.',
  Output: 'is a JSONata field and this state uses JSONPath; set "QueryLanguage": "JSONata" to use it.',
};

/** Reports keys that are neither fields of this rule nor operators; tells whether one looks like a misspelling. */
function reportStrangers(scope: StateScope, keys: string[], pointer: string, label: string, own: Set<string>): boolean {
  let misspelt = false;
  for (const key of keys) {
    const at = join(pointer, key);
    if (Object.hasOwn(misplaced, key)) {
      reportState(scope, 'FIELD_NOT_ALLOWED', at, `${label}: ${key} ${misplaced[key]}`);
      continue;
    }
    misspelt = true;
    const hint = didYouMean(key, [...Object.keys(comparisons), ...combinations, ...own]);
    reportState(scope, 'FIELD_UNKNOWN', at, `${label}: ${quote(key)} is not a choice rule field or operator.${hint}`);
  }
  return misspelt;
}

const checkJsonPathRule: RuleCheck = (scope, value, pointer, label, top) => {
  const rule = asObject(scope, value, pointer, label);
  if (!rule) return;
  const own = new Set(top ? ['Variable', 'Comment', 'Next', 'Assign'] : ['Variable', 'Comment']);
  const operators = Object.keys(rule).filter((key) => Object.hasOwn(comparisons, key) || combinations.has(key));
  const strangers = Object.keys(rule).filter((key) => !own.has(key) && !operators.includes(key));
  const misspelt = reportStrangers(scope, strangers, pointer, label, own);
  if (top) checkTopLevelFields(scope, rule, pointer, label);
  const [operator, ...extras] = operators;
  if (operator === undefined) {
    // A misspelt operator was just reported with a suggestion; saying it is missing would only repeat it.
    if (!misspelt) reportState(scope, 'CHOICE_OPERATOR_MISSING', pointer, `${label} has no comparison operator (such as StringEquals or NumericGreaterThan) and no And, Or or Not.`);
    return;
  }
  for (const extra of extras) {
    reportState(scope, 'CHOICE_OPERATOR_CONFLICT', join(pointer, extra), `${label} has both ${operator} and ${extra}; a rule has exactly one operator (combine rules with And or Or).`);
  }
  if (combinations.has(operator)) checkCombination(scope, rule, pointer, label, operator);
  else checkComparison(scope, rule, pointer, label, operator);
};

function checkComparison(scope: StateScope, rule: Record<string, unknown>, pointer: string, label: string, operator: string): void {
  if (rule.Variable === undefined) {
    reportState(scope, 'FIELD_REQUIRED', join(pointer, 'Variable'), `${label} needs Variable: the path of the value that ${operator} compares.`);
  } else {
    reportFinding(scope, checkPath(rule.Variable, 'path'), join(pointer, 'Variable'), `${label}.Variable`);
  }
  const finding = operandChecks[comparisons[operator]](rule[operator]);
  if (finding) {
    const code = finding.code === 'FIELD_TYPE' ? 'CHOICE_OPERAND_INVALID' : finding.code;
    reportState(scope, code, join(pointer, operator), `${label}.${operator} ${finding.message}`);
  }
}

function checkCombination(scope: StateScope, rule: Record<string, unknown>, pointer: string, label: string, operator: string): void {
  if (rule.Variable !== undefined) {
    reportState(scope, 'FIELD_NOT_ALLOWED', join(pointer, 'Variable'), `${label}: Variable does not go with ${operator}; put it in the rules inside ${operator}.`);
  }
  const inner = rule[operator];
  const at = join(pointer, operator);
  if (operator === 'Not') {
    checkJsonPathRule(scope, inner, at, `${label}.Not`, false);
    return;
  }
  if (!Array.isArray(inner) || inner.length === 0) {
    const code = Array.isArray(inner) ? 'ARRAY_EMPTY' : 'FIELD_TYPE';
    reportState(scope, code, at, `${label}.${operator} must be a non-empty array of choice rules.`);
    return;
  }
  inner.forEach((item: unknown, i) => checkJsonPathRule(scope, item, join(at, i), `${label}.${operator}[${i}]`, false));
}

const checkJsonataRule: RuleCheck = (scope, value, pointer, label) => {
  const rule = asObject(scope, value, pointer, label);
  if (!rule) return;
  const own = new Set(['Condition', 'Next', 'Assign', 'Output', 'Comment']);
  for (const key of Object.keys(rule)) {
    if (own.has(key)) continue;
    const at = join(pointer, key);
    if (Object.hasOwn(comparisons, key) || combinations.has(key) || key === 'Variable') {
      reportState(scope, 'FIELD_NOT_ALLOWED', at, `${label}: ${key} is a JSONPath choice field and this state uses JSONata; write the test as Condition: "{% ... %}".`);
    } else {
      reportState(scope, 'FIELD_UNKNOWN', at, `${label}: ${quote(key)} is not a field of a JSONata choice rule.${didYouMean(key, own)}`);
    }
  }
  checkTopLevelFields(scope, rule, pointer, label);
  const condition = rule.Condition;
  const at = join(pointer, 'Condition');
  if (condition === undefined) {
    reportState(scope, 'FIELD_REQUIRED', at, `${label} needs Condition: a JSONata expression "{% ... %}" that yields true or false.`);
  } else if (typeof condition !== 'boolean' && !isExpression(condition)) {
    reportState(scope, 'EXPRESSION_REQUIRED', at, `${label}.Condition must be true, false or a JSONata expression "{% ... %}", not ${show(condition)}.`);
  }
};
