/**
 * JSONPath payload templates: Parameters, ItemSelector, ResultSelector, BatchInput and Assign in JSONPath
 * states. A key ending in `.$` takes its value from a path or an intrinsic function call. Templates are
 * compiled once per definition object into closures, paths parsed and intrinsic calls compiled with
 * them, so a hot workflow does no parsing and no lookups by text at run time.
 */
import { isIntrinsicExpression, parseIntrinsic, type ParsedPath } from '../asl/index.ts';
import { isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
import { compileIntrinsic, type Evaluate, type IntrinsicRuntime } from './intrinsics/index.ts';
import { setMember } from './objects.ts';
import { compilePath, requireCompiled, type PathRoots } from './paths.ts';

/** The roots paths read from, and what intrinsic functions may use. */
export interface TemplateScope extends PathRoots {
  intrinsics: IntrinsicRuntime;
}

/** `error` names the ASL error raised when a `.$` path selects nothing. */
type Compiled = Evaluate<TemplateScope>;

const compiled = new WeakMap<object, Compiled>();

export function applyTemplate(template: Json, scope: TemplateScope, error = 'States.ParameterPathFailure'): Json {
  if (template === null || typeof template !== 'object') return template;
  let fn = compiled.get(template);
  if (!fn) {
    fn = compile(template);
    compiled.set(template, fn);
  }
  return fn(scope, error);
}

function compile(template: Json): Compiled {
  if (Array.isArray(template)) {
    const items = template.map(compile);
    return (scope, error) => items.map((item) => item(scope, error));
  }
  if (isJsonObject(template)) return compileObject(template);
  return () => template;
}

/** The output's keys and the functions giving their values, in the template's order. */
function compileObject(template: JsonObject): Compiled {
  const keys: string[] = [];
  const values: Compiled[] = [];
  for (const [key, value] of Object.entries(template)) {
    const dynamic = key.endsWith('.$') && typeof value === 'string';
    keys.push(dynamic ? key.slice(0, -2) : key);
    values.push(dynamic ? compileExpression(key, value) : compile(value));
  }
  return (scope, error) => {
    const out: JsonObject = {};
    for (let i = 0; i < keys.length; i++) setMember(out, keys[i], values[i](scope, error));
    return out;
  };
}

function compileExpression(key: string, text: string): Compiled {
  const where = `The field '${key}'`;
  const readPath = (path: ParsedPath): Compiled => (scope, error) => requireCompiled(path, scope, error, where);
  return isIntrinsicExpression(text) ? compileIntrinsic(parseIntrinsic(text), readPath) : readPath(compilePath(text));
}
