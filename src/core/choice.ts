/**
 * Choice rules in JSONPath states: one comparison operator per rule (a table, not a ladder), And/Or/Not,
 * and the typing rules of the spec — a value of the wrong type simply does not match.
 */
import type { ChoiceRule } from '../asl/index.ts';
import type { Json } from '../shared/index.ts';
import { StatesError } from './failure.ts';
import { compilePath, selectCompiled, type PathRoots } from './paths.ts';
import { parseTimestamp } from './timestamp.ts';

type Compare = (value: Json, operand: Json) => boolean;

const isString = (v: Json): v is string => typeof v === 'string';
const isNumber = (v: Json): v is number => typeof v === 'number';

function strings(test: (a: string, b: string) => boolean): Compare {
  return (v, o) => isString(v) && isString(o) && test(v, o);
}
function numbers(test: (a: number, b: number) => boolean): Compare {
  return (v, o) => isNumber(v) && isNumber(o) && test(v, o);
}
function timestamps(test: (a: number, b: number) => boolean): Compare {
  return (v, o) => {
    const a = parseTimestamp(v);
    const b = parseTimestamp(o);
    return a !== null && b !== null && test(a, b);
  };
}

/** Code-point order, as the spec's string comparisons are defined. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const comparisons: Record<string, Compare> = {
  StringEquals: strings((a, b) => a === b),
  StringLessThan: strings((a, b) => compareStrings(a, b) < 0),
  StringGreaterThan: strings((a, b) => compareStrings(a, b) > 0),
  StringLessThanEquals: strings((a, b) => compareStrings(a, b) <= 0),
  StringGreaterThanEquals: strings((a, b) => compareStrings(a, b) >= 0),
  StringMatches: strings((a, pattern) => matchesWildcard(a, pattern)),
  NumericEquals: numbers((a, b) => a === b),
  NumericLessThan: numbers((a, b) => a < b),
  NumericGreaterThan: numbers((a, b) => a > b),
  NumericLessThanEquals: numbers((a, b) => a <= b),
  NumericGreaterThanEquals: numbers((a, b) => a >= b),
  BooleanEquals: (v, o) => typeof v === 'boolean' && v === o,
  TimestampEquals: timestamps((a, b) => a === b),
  TimestampLessThan: timestamps((a, b) => a < b),
  TimestampGreaterThan: timestamps((a, b) => a > b),
  TimestampLessThanEquals: timestamps((a, b) => a <= b),
  TimestampGreaterThanEquals: timestamps((a, b) => a >= b),
};

/** Type tests: the operand says whether the value should (true) or should not (false) be of the type. */
const typeTests: Record<string, (value: Json) => boolean> = {
  IsNull: (v) => v === null,
  IsNumeric: (v) => typeof v === 'number',
  IsString: (v) => typeof v === 'string',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: (v) => parseTimestamp(v) !== null,
};

/** A StringMatches pattern split at its unescaped stars: the literal runs between them. */
const patterns = new Map<string, string[]>();

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
function literalRuns(pattern: string): string[] {
  let runs = patterns.get(pattern);
  if (!runs) {
    runs = [''];
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '\\' && i + 1 < pattern.length) runs[runs.length - 1] += pattern[++i];
      else if (ch === '*') runs.push('');
      else runs[runs.length - 1] += ch;
    }
    if (patterns.size >= 1000) patterns.delete(patterns.keys().next().value as string);
    patterns.set(pattern, runs);
  }
  return runs;
}

/**
 * Glob matching without backtracking: the first run must start the text, the last must end it, and each
 * run between takes its leftmost place after the previous one (leftmost is always safe for a `*`). Time
 * is linear in the text for a given pattern, unlike a regex with several `[\s\S]*`, which can take
 * polynomial time over a long input.
 */
export function matchesWildcard(text: string, pattern: string): boolean {
  const runs = literalRuns(pattern);
  if (runs.length === 1) return text === runs[0];
  const first = runs[0];
  const last = runs[runs.length - 1];
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let r = 1; r < runs.length - 1; r++) {
    const found = text.indexOf(runs[r], at);
    if (found < 0 || found + runs[r].length > end) return false;
    at = found + runs[r].length;
  }
  return true;
}

type Test = (roots: PathRoots) => boolean;

const compiledRules = new WeakMap<ChoiceRule, Test>();

/** The index of the first rule that matches, or -1. */
export function firstMatchingRule(rules: ChoiceRule[], roots: PathRoots): number {
  for (let i = 0; i < rules.length; i++) if (matches(rules[i], roots)) return i;
  return -1;
}

/**
 * Whether a rule matches. Rules are compiled once per definition object: which operator a rule uses is
 * decided then, not by scanning the operator tables at every evaluation (that scan, with a
 * `${name}Path` string per operator, was ~3% of bench/workflows/order.json's time and 1.7 KB of its
 * garbage per execution).
 */
export function matches(rule: ChoiceRule, roots: PathRoots): boolean {
  let test = compiledRules.get(rule);
  if (!test) {
    test = compileRule(rule);
    compiledRules.set(rule, test);
  }
  return test(roots);
}

function compileRule(rule: ChoiceRule): Test {
  if (rule.And) {
    const all = rule.And;
    return (roots) => all.every((r) => matches(r, roots));
  }
  if (rule.Or) {
    const any = rule.Or;
    return (roots) => any.some((r) => matches(r, roots));
  }
  if (rule.Not) {
    const not = rule.Not;
    return (roots) => !matches(not, roots);
  }
  const variable = rule.Variable as string;
  const path = compilePath(variable);
  if ('IsPresent' in rule) return (roots) => (selectCompiled(path, roots) !== undefined) === rule.IsPresent;
  const compare = compileComparison(rule);
  return (roots) => {
    const value = selectCompiled(path, roots);
    if (value === undefined) {
      throw new StatesError('States.Runtime', `Invalid path '${variable}': the choice state's condition path references an undefined value.`);
    }
    return compare(value, roots);
  };
}

/** The rule's operator, found once: a type test, a comparison with a literal, or one with a path's value. */
function compileComparison(rule: ChoiceRule): (value: Json, roots: PathRoots) => boolean {
  for (const [name, test] of Object.entries(typeTests)) {
    if (name in rule) return (value) => test(value) === rule[name];
  }
  for (const [name, compare] of Object.entries(comparisons)) {
    if (name in rule) return (value) => compare(value, rule[name] as Json);
    const pathName = `${name}Path`;
    if (!(pathName in rule)) continue;
    const operandPath = rule[pathName] as string;
    const operandParsed = compilePath(operandPath);
    return (value, roots) => {
      const operand = selectCompiled(operandParsed, roots);
      if (operand === undefined) {
        throw new StatesError('States.Runtime', `Invalid path '${operandPath}' in ${pathName}: it references an undefined value.`);
      }
      return compare(value, operand);
    };
  }
  return () => {
    throw new StatesError('States.Runtime', 'A choice rule has no comparison operator');
  };
}
