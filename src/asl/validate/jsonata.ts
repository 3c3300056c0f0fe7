/**
 * JSONata states: every string written `{% ... %}` is an expression and must compile; keys ending in ".$"
 * belong to JSONPath and have no meaning here.
 */
import jsonata from 'jsonata';
import { join, quote, reportState, show, type StateScope } from './context.ts';
import { isExpression, type Finding } from './values.ts';

interface JsonataError {
  message: string;
  position?: number;
}

/** Compiles the expression inside `{% ... %}`; the position is counted from the start of the whole string. */
export function compileExpression(text: string): Finding | undefined {
  const body = text.slice(2, -2);
  if (body.trim() === '') return { code: 'JSONATA_INVALID', message: `${show(text)} is an empty JSONata expression.` };
  try {
    jsonata(body);
    return undefined;
  } catch (error) {
    const { message, position } = error as JsonataError;
    const where = typeof position === 'number' ? ` (at character ${position + 2} of the string)` : '';
    return { code: 'JSONATA_INVALID', message: `${show(text)} does not compile as JSONata: ${message}${where}.` };
  }
}

/** Walks a field of a JSONata state and reports every expression that does not compile and every ".$" key. */
export function checkJsonataValue(scope: StateScope, value: unknown, pointer: string, field: string): void {
  if (typeof value === 'string') {
    checkJsonataString(scope, value, pointer, field);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonataValue(scope, item, join(pointer, i), field));
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
    checkJsonataValue(scope, inner, at, field);
  }
}

function checkJsonataString(scope: StateScope, text: string, pointer: string, field: string): void {
  // A string that is not exactly "{% ... %}" is a literal, as the spec says, even if it looks almost like one.
  if (!isExpression(text)) return;
  const finding = compileExpression(text);
  if (finding) reportState(scope, finding.code, pointer, `in ${field}, ${finding.message}`);
}
