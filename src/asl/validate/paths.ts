/**
 * JSONPath fields: Paths, Reference Paths, ResultPath, intrinsic calls, and the payload templates whose
 * `.$` keys take a path or an intrinsic call as value (Parameters, ItemSelector, ResultSelector, ...).
 */
import { parsePath, PathSyntaxError } from '../json-path-syntax.ts';
import { isIntrinsicExpression, parseIntrinsic, IntrinsicSyntaxError } from '../intrinsic-syntax.ts';
import { join, quote, reportState, show, typeOf, type StateScope } from './context.ts';
import type { Finding } from './values.ts';

/** `path`: any Path; `reference`: a Reference Path; `result`: a Reference Path into the state's input. */
export type PathKind = 'path' | 'reference' | 'result';

export function checkPath(value: unknown, kind: PathKind): Finding | undefined {
  if (typeof value !== 'string') return { code: 'FIELD_TYPE', message: `must be a path string such as "$.items", not ${typeOf(value)}.` };
  let parsed;
  try {
    parsed = parsePath(value);
  } catch (error) {
    if (!(error instanceof PathSyntaxError)) throw error;
    return { code: 'PATH_INVALID', message: `${show(value)} is not a valid path: ${error.message}.` };
  }
  if (kind !== 'path' && !parsed.isReference) {
    return {
      code: 'PATH_NOT_REFERENCE',
      message: `${show(value)} must be a Reference Path, naming a single value with only ".name" and "[index]" steps (no wildcards, filters, slices or "..").`,
    };
  }
  if (kind === 'result' && parsed.root.kind !== 'input') {
    return {
      code: 'PATH_INVALID',
      message: `${show(value)} cannot be used here: ResultPath places the result inside the state's input, so it must start with "$" (not "$$" or a variable).`,
    };
  }
  return undefined;
}

/** A path, or an intrinsic function call such as `States.Format('{}', $.x)`. */
export function checkPathOrIntrinsic(value: unknown, kind: PathKind): Finding | undefined {
  if (typeof value === 'string' && isIntrinsicExpression(value)) return checkIntrinsic(value);
  const finding = checkPath(value, kind);
  if (finding?.code === 'FIELD_TYPE') {
    return { code: 'FIELD_TYPE', message: `must be a path or an intrinsic function call, not ${typeOf(value)}.` };
  }
  return finding;
}

function checkIntrinsic(text: string): Finding | undefined {
  try {
    parseIntrinsic(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof IntrinsicSyntaxError)) throw error;
    return { code: 'INTRINSIC_INVALID', message: `${show(text)} is not a valid intrinsic function call: ${error.message}.` };
  }
}

/** Reports a finding about a field of a state. */
export function reportFinding(scope: StateScope, finding: Finding | undefined, pointer: string, field: string): void {
  if (finding) reportState(scope, finding.code, pointer, `${field} ${finding.message}`);
}

/**
 * A JSONPath payload template: any object or array, where a key ending in ".$" takes a path or an intrinsic
 * call that is evaluated when the state runs. Walks the whole value.
 */
export function checkPayloadTemplate(scope: StateScope, value: unknown, pointer: string, field: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkPayloadTemplate(scope, item, join(pointer, i), field));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const names = new Set<string>();
  for (const [key, inner] of Object.entries(value)) {
    const at = join(pointer, key);
    const name = key.endsWith('.$') ? key.slice(0, -2) : key;
    if (names.has(name)) {
      reportState(scope, 'PAYLOAD_DUPLICATE_FIELD', at, `in ${field}, ${quote(name)} is written twice (with and without ".$"); the result would have the field twice.`);
    }
    names.add(name);
    if (!key.endsWith('.$')) {
      checkPayloadTemplate(scope, inner, at, field);
      continue;
    }
    const finding = checkPathOrIntrinsic(inner, 'path');
    if (finding) {
      reportState(scope, finding.code, at, `in ${field}, the key ${quote(key)} ends in ".$", so its value ${finding.message}`);
    }
  }
}
