/**
 * JSONPath payload templates: Parameters, ItemSelector, ResultSelector, BatchInput and Assign in JSONPath
 * states. A key ending in `.$` takes its value from a path or an intrinsic function call. Templates are
 * compiled once per definition object into closures, so a hot workflow does no parsing at run time.
 */
import { isIntrinsicExpression, parseIntrinsic } from '../asl/index.ts';
import { isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
import { evaluateIntrinsic, type IntrinsicEnv } from './intrinsics/index.ts';
import { requirePath, type PathRoots } from './paths.ts';

export interface TemplateScope {
  roots: PathRoots;
  intrinsics: Omit<IntrinsicEnv, 'resolvePath'>;
}

/** `error` names the ASL error raised when a `.$` path selects nothing. */
type Compiled = (scope: TemplateScope, error: string) => Json;

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
  if (isJsonObject(template)) {
    const entries: Array<[string, Compiled]> = Object.entries(template).map(([key, value]) =>
      key.endsWith('.$') && typeof value === 'string'
        ? [key.slice(0, -2), compileExpression(key, value)]
        : [key, compile(value)],
    );
    return (scope, error) => {
      const out: JsonObject = {};
      for (const [key, fn] of entries) out[key] = fn(scope, error);
      return out;
    };
  }
  return () => template;
}

function compileExpression(key: string, text: string): Compiled {
  const where = `The field '${key}'`;
  if (isIntrinsicExpression(text)) {
    const call = parseIntrinsic(text);
    return (scope, error) =>
      evaluateIntrinsic(call, {
        ...scope.intrinsics,
        resolvePath: (path) => requirePath(path.source, scope.roots, error, where),
      });
  }
  return (scope, error) => requirePath(text, scope.roots, error, where);
}
