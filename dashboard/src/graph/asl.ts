/**
 * The part of an ASL definition the graph reads: states, their transitions, and nested machines
 * (Map's ItemProcessor or Iterator, Parallel's Branches). Field names as in the spec.
 */

export interface ChoiceRule {
  Next?: string;
  Condition?: string;
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  [operator: string]: unknown;
}

export interface CatchRule {
  ErrorEquals: string[];
  Next: string;
}

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: ChoiceRule[];
  Catch?: CatchRule[];
  Branches?: AslMachine[];
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
  Resource?: string;
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  Comment?: string;
}

export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
  Comment?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The definition as a machine, or null when it is not shaped like one (the API only stores valid ones). */
export function asMachine(value: unknown): AslMachine | null {
  if (!isObject(value) || typeof value.StartAt !== 'string' || !isObject(value.States)) return null;
  return value as unknown as AslMachine;
}

/** The machine a Map state runs per item. */
export function mapProcessor(state: AslState): AslMachine | null {
  return asMachine(state.ItemProcessor ?? state.Iterator);
}

const symbols: Array<[string, string]> = [
  ['GreaterThanEquals', '>='],
  ['LessThanEquals', '<='],
  ['GreaterThan', '>'],
  ['LessThan', '<'],
  ['Equals', '=='],
  ['Matches', 'matches'],
];

const ruleFields = new Set(['Variable', 'Next', 'Comment', 'Assign', 'Output']);

/** A Choice rule in a few words: `$.qty > 1`, `$.kind is present`, or its JSONata condition. */
export function ruleLabel(rule: ChoiceRule): string {
  if (typeof rule.Condition === 'string') return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, '');
  if (Array.isArray(rule.And)) return rule.And.map(ruleLabel).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map(ruleLabel).join(' or ');
  if (isObject(rule.Not)) return `not (${ruleLabel(rule.Not as ChoiceRule)})`;
  const operator = Object.keys(rule).find((key) => !ruleFields.has(key));
  if (!operator) return 'rule';
  const value = rule[operator];
  const variable = rule.Variable ?? '$';
  if (operator.startsWith('Is')) return `${variable} is ${value === false ? 'not ' : ''}${operator.slice(2).toLowerCase()}`;
  const byPath = operator.endsWith('Path');
  const symbol = symbols.find(([suffix]) => operator.replace(/Path$/, '').endsWith(suffix))?.[1] ?? operator;
  return `${variable} ${symbol} ${byPath ? String(value) : JSON.stringify(value)}`;
}

/** The short line under a state's name: what a Task calls, how long a Wait waits, … */
export function stateDetail(state: AslState): string | undefined {
  switch (state.Type) {
    case 'Task':
      return state.Resource;
    case 'Wait':
      if (state.Seconds !== undefined) return `${state.Seconds} s`;
      return state.Timestamp ?? state.SecondsPath ?? state.TimestampPath;
    case 'Choice':
      return `${state.Choices?.length ?? 0} rule${state.Choices?.length === 1 ? '' : 's'}${state.Default ? ' + default' : ''}`;
    case 'Parallel':
      return `${state.Branches?.length ?? 0} branches`;
    default:
      return undefined;
  }
}
