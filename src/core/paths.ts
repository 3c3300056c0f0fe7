/**
 * Reading and writing JSONPath. Reference Paths (names and indexes only: nearly every path in real
 * definitions) are walked directly — measured ~40x faster than a general JSONPath library per lookup —
 * and are the only paths that can be written to (ResultPath). Other paths go to jsonpath-plus.
 */
import { JSONPath } from 'jsonpath-plus';
import { parsePath, type ParsedPath, type PathSegment } from '../asl/index.ts';
import { isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
import { StatesError } from './failure.ts';
import { withMember } from './objects.ts';

const cache = new Map<string, ParsedPath>();

/** Parses once per distinct path text; definitions are validated, so a syntax error here is a bug upstream. */
export function compilePath(text: string): ParsedPath {
  let parsed = cache.get(text);
  if (!parsed) {
    parsed = parsePath(text);
    cache.set(text, parsed);
  }
  return parsed;
}

/** What a path can start from: `$` the state's input, `$$` the context object, `$name` a variable. */
export interface PathRoots {
  input: Json;
  context: JsonObject;
  /** One member of the context object (`$$.Map`, `$$.Execution`), read without building the whole object. */
  contextMember(name: string): Json | undefined;
  variable(name: string): Json | undefined;
}

const missing = Symbol('missing');

function walk(value: Json, segments: PathSegment[], from: number): Json | typeof missing {
  let current: Json = value;
  for (let i = from; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === 'member') {
      if (!isJsonObject(current) || !Object.prototype.hasOwnProperty.call(current, segment.name)) return missing;
      current = current[segment.name];
    } else if (segment.kind === 'index') {
      if (!Array.isArray(current) || segment.index >= current.length) return missing;
      current = current[segment.index];
    } else {
      return missing;
    }
  }
  return current;
}

function rootValue(path: ParsedPath, roots: PathRoots): Json | typeof missing {
  if (path.root.kind === 'input') return roots.input;
  if (path.root.kind === 'context') return roots.context;
  const value = roots.variable(path.root.name);
  return value === undefined ? missing : value;
}

/** A Reference Path's node. `$$.Name...` starts at the context member, so the context object is not built. */
function walkReference(path: ParsedPath, roots: PathRoots): Json | typeof missing {
  const { root, segments } = path;
  const first = segments[0];
  if (root.kind === 'context' && first?.kind === 'member') {
    const member = roots.contextMember(first.name);
    return member === undefined ? missing : walk(member, segments, 1);
  }
  const value = rootValue(path, roots);
  return value === missing ? missing : walk(value, segments, 0);
}

/**
 * The value a path selects, or `undefined` when nothing matches. A path that is not a Reference Path
 * answers like Step Functions does: the list of matches (possibly empty).
 */
export function selectPath(text: string, roots: PathRoots): Json | undefined {
  return selectCompiled(compilePath(text), roots);
}

/** selectPath for a path parsed beforehand (templates and choice rules parse theirs once). */
export function selectCompiled(path: ParsedPath, roots: PathRoots): Json | undefined {
  if (path.isReference) {
    const value = walkReference(path, roots);
    return value === missing ? undefined : value;
  }
  const root = rootValue(path, roots);
  if (root === missing) return undefined;
  const relative = '$' + path.source.slice(rootLength(path));
  const matches = JSONPath({ path: relative, json: root as object, wrap: true, eval: 'safe' }) as Json[];
  return matches;
}

/** The length of the path's root in its text: `$`, `$$` or `$name`. */
function rootLength(path: ParsedPath): number {
  return path.root.kind === 'input' ? 1 : path.root.kind === 'context' ? 2 : 1 + path.root.name.length;
}

/** A path that must select something; `error` names the ASL error when it does not. */
export function requirePath(text: string, roots: PathRoots, error: string, where: string): Json {
  return requireCompiled(compilePath(text), roots, error, where);
}

export function requireCompiled(path: ParsedPath, roots: PathRoots, error: string, where: string): Json {
  const value = selectCompiled(path, roots);
  if (value === undefined) {
    throw new StatesError(error, `${where}: the JSONPath '${path.source}' could not be found in the input '${preview(roots.input)}'`);
  }
  return value;
}

/**
 * ResultPath: returns a copy of `input` with `result` placed at the Reference Path. Objects on the way are
 * created when missing; meeting a value that is not an object is States.ResultPathMatchFailure.
 */
export function writeResultPath(input: Json, text: string, result: Json): Json {
  const path = compilePath(text);
  if (path.root.kind !== 'input' || !path.isReference) {
    throw new StatesError('States.ResultPathMatchFailure', `ResultPath '${text}' is not a Reference Path into the input`);
  }
  if (path.segments.length === 0) return result;
  return place(input, path.segments, 0, result, text);
}

function place(node: Json, segments: PathSegment[], i: number, result: Json, text: string): Json {
  const segment = segments[i];
  const last = i === segments.length - 1;
  if (segment.kind === 'member') {
    if (!isJsonObject(node)) {
      throw new StatesError(
        'States.ResultPathMatchFailure',
        `Unable to apply ResultPath '${text}': '${segment.name}' cannot be set on ${describe(node)}`,
      );
    }
    const child = Object.prototype.hasOwnProperty.call(node, segment.name) ? node[segment.name] : {};
    return withMember(node, segment.name, last ? result : place(child, segments, i + 1, result, text));
  }
  if (segment.kind === 'index' && Array.isArray(node) && segment.index < node.length) {
    const copy = node.slice();
    copy[segment.index] = last ? result : place(node[segment.index], segments, i + 1, result, text);
    return copy;
  }
  throw new StatesError('States.ResultPathMatchFailure', `Unable to apply ResultPath '${text}' to ${describe(node)}`);
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value)}`;
}

export function preview(value: Json, max = 200): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
