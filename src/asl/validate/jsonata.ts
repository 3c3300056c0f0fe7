/**
 * JSONata states: every string written `{% ... %}` is an expression and must compile; keys ending in ".$"
 * belong to JSONPath and have no meaning here; `$states.result` and `$states.errorOutput` exist only in
 * the fields where the spec makes them available.
 */
import jsonata from 'jsonata';
import type { StateType } from '../types.ts';
import { join, quote, reportState, show, type StateScope } from './context.ts';
import { isExpression, type Finding } from './values.ts';
import { unsupportedPattern } from '../../shared/index.ts';

interface JsonataError {
  message: string;
  position?: number;
}

/** The members of `$states` an expression may read, by where it is written. */
const everywhere = new Set(['input', 'context']);
const afterResult = new Set([...everywhere, 'result']);
const inCatcher = new Set([...everywhere, 'errorOutput']);

const whereAvailable: Readonly<Record<string, string>> = {
  result: 'it exists only in the Output and Assign fields of Task, Parallel and Map states',
  errorOutput: 'it exists only in the Output and Assign fields of a catcher (Catch)',
};

/** Fields whose value is a whole state machine (validated on its own) or free text. */
const notExpressions = new Set(['Branches', 'ItemProcessor', 'Iterator', 'Comment']);
const producesResult = new Set<StateType>(['Task', 'Parallel', 'Map']);

type Parsed = { ast: unknown; finding?: undefined } | { ast?: undefined; finding: Finding };

function parse(text: string): Parsed {
  const body = text.slice(2, -2);
  if (body.trim() === '') return { finding: { code: 'JSONATA_INVALID', message: `${show(text)} is an empty JSONata expression.` } };
  try {
    const ast = jsonata(body).ast();
    const unsupported = unsupportedRegex(ast);
    return unsupported ? { finding: unsupported } : { ast };
  } catch (error) {
    const { message, position } = error as JsonataError;
    const where = typeof position === 'number' ? ` (at character ${position + 2} of the string)` : '';
    return { finding: { code: 'JSONATA_INVALID', message: `${show(text)} does not compile as JSONata: ${message}${where}.` } };
  }
}

/** The first regex literal that the linear-time engine the core runs them on (shared/linear-regex.ts) cannot run. */
function unsupportedRegex(ast: unknown): Finding | undefined {
  const stack = [ast];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (seen.has(node)) continue;
    seen.add(node);
    if (node instanceof RegExp) {
      const reason = unsupportedPattern(node.source, node.flags);
      if (reason) {
        const message = `the regex /${node.source}/ cannot run in linear time (${reason}); backreferences and lookaround are not supported, so that no input can stall the engine.`;
        return { code: 'PATTERN_UNSUPPORTED', message };
      }
    } else if (typeof node === 'object' && node !== null) {
      stack.push(...Object.values(node));
    }
  }
  return undefined;
}

/** Compiles the expression inside `{% ... %}`; the position is counted from the start of the whole string. */
export function compileExpression(text: string): Finding | undefined {
  return parse(text).finding;
}

/** Every `$states.<member>` an expression reads, found in its syntax tree. */
function statesMembers(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    node.forEach((item) => statesMembers(item, found));
  } else if (typeof node === 'object' && node !== null) {
    const { type, steps } = node as { type?: string; steps?: Array<{ type?: string; value?: unknown }> };
    if (type === 'path' && steps?.[0]?.type === 'variable' && steps[0].value === 'states' && steps[1]?.type === 'name') {
      found.add(String(steps[1].value));
    }
    Object.values(node).forEach((value) => statesMembers(value, found));
  }
  return found;
}

/** Checks every field of a JSONata state; the `$states` members available depend on the field. */
export function checkJsonataFields(scope: StateScope, type: StateType, fields: readonly string[]): void {
  for (const field of fields) {
    if (notExpressions.has(field)) continue;
    const value = scope.state[field];
    const pointer = join(scope.pointer, field);
    if (field === 'Catch' && Array.isArray(value)) {
      value.forEach((catcher: unknown, i) => checkCatcher(scope, catcher, join(pointer, i), `Catch[${i}]`));
      continue;
    }
    const members = producesResult.has(type) && (field === 'Output' || field === 'Assign') ? afterResult : everywhere;
    checkJsonataValue(scope, value, pointer, field, members);
  }
}

function checkCatcher(scope: StateScope, catcher: unknown, pointer: string, label: string): void {
  if (typeof catcher !== 'object' || catcher === null || Array.isArray(catcher)) return;
  for (const [key, value] of Object.entries(catcher)) {
    const members = key === 'Output' || key === 'Assign' ? inCatcher : everywhere;
    checkJsonataValue(scope, value, join(pointer, key), `${label}.${key}`, members);
  }
}

/** Walks a value and reports expressions that do not compile or read unavailable `$states` members, and ".$" keys. */
function checkJsonataValue(scope: StateScope, value: unknown, pointer: string, field: string, members: ReadonlySet<string>): void {
  if (typeof value === 'string') {
    checkJsonataString(scope, value, pointer, field, members);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonataValue(scope, item, join(pointer, i), field, members));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, inner] of Object.entries(value)) {
    const at = join(pointer, key);
    if (key.endsWith('.$')) {
      reportState(
        scope,
        'JSONPATH_KEY_IN_JSONATA',
        at,
        `in ${field}, the key ${quote(key)} ends in ".$", which only has a meaning in JSONPath states; in JSONata write the key without ".$" and the value as "{% ... %}".`,
      );
    }
    checkJsonataValue(scope, inner, at, field, members);
  }
}

/**
 * A string is an expression when it is exactly `{% ... %}`. One that is so only once trimmed, or that opens
 * with "{%" and never closes, is a mistake rather than a literal.
 */
function checkJsonataString(scope: StateScope, text: string, pointer: string, field: string, members: ReadonlySet<string>): void {
  if (!isExpression(text)) {
    const trimmed = text.trim();
    if (isExpression(trimmed) || text.startsWith('{%')) {
      const message = `${show(text)} is not a JSONata expression: the whole string must be "{% ... %}", with nothing before "{%" or after "%}".`;
      reportState(scope, 'JSONATA_INVALID', pointer, `in ${field}, ${message}`);
    }
    return;
  }
  const { ast, finding } = parse(text);
  if (finding) {
    reportState(scope, finding.code, pointer, `in ${field}, ${finding.message}`);
    return;
  }
  for (const member of statesMembers(ast)) {
    if (members.has(member)) continue;
    const why = whereAvailable[member] ?? '$states has only input, context, result and errorOutput';
    reportState(scope, 'JSONATA_STATES_UNAVAILABLE', pointer, `in ${field}, ${show(text)} reads $states.${member}, which is not available here: ${why}.`);
  }
}
