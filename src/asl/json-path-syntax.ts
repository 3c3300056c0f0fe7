/**
 * JSONPath as ASL writes it: `$` (the state's input), `$$` (the context object) or `$name` (a workflow
 * variable), followed by segments. Parsing here serves two masters: the validator (syntax errors with an
 * offset) and the core, which evaluates Reference Paths itself (they are most paths, and they must also be
 * written to, for ResultPath) and hands only the rest to a general JSONPath library.
 */

export type PathRoot =
  | { kind: 'input' }
  | { kind: 'context' }
  | { kind: 'variable'; name: string };

export type PathSegment =
  | { kind: 'member'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'descendant'; name: string | null }
  | { kind: 'union'; keys: Array<string | number> }
  | { kind: 'slice'; start: number | null; end: number | null; step: number | null }
  | { kind: 'filter'; expression: string };

export interface ParsedPath {
  source: string;
  root: PathRoot;
  segments: PathSegment[];
  /** Only member names and non-negative indexes: the path names exactly one node (the spec's Reference Path). */
  isReference: boolean;
}

export class PathSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'PathSyntaxError';
    this.offset = offset;
  }
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*/;
const memberChars = /^[^.[\]()\s'"]+/;

export function parsePath(source: string): ParsedPath {
  if (!source.startsWith('$')) throw new PathSyntaxError('a path must start with $', 0);
  let pos = 1;
  let root: PathRoot;
  if (source[1] === '$') {
    root = { kind: 'context' };
    pos = 2;
  } else {
    const match = identifier.exec(source.slice(1));
    if (match) {
      root = { kind: 'variable', name: match[0] };
      pos = 1 + match[0].length;
    } else {
      root = { kind: 'input' };
    }
  }
  const segments: PathSegment[] = [];
  while (pos < source.length) {
    const [segment, next] = readSegment(source, pos);
    segments.push(segment);
    pos = next;
  }
  const isReference = segments.every((s) => s.kind === 'member' || (s.kind === 'index' && s.index >= 0));
  return { source, root, segments, isReference };
}

function readSegment(source: string, pos: number): [PathSegment, number] {
  const ch = source[pos];
  if (ch === '.') {
    if (source[pos + 1] === '.') return readDescendant(source, pos + 2);
    if (source[pos + 1] === '*') return [{ kind: 'wildcard' }, pos + 2];
    const match = memberChars.exec(source.slice(pos + 1));
    if (!match) throw new PathSyntaxError(`expected a member name after "." at offset ${pos}`, pos + 1);
    return [{ kind: 'member', name: match[0] }, pos + 1 + match[0].length];
  }
  if (ch === '[') return readBracket(source, pos);
  throw new PathSyntaxError(`unexpected "${ch}" at offset ${pos}`, pos);
}

function readDescendant(source: string, pos: number): [PathSegment, number] {
  if (source[pos] === '*') return [{ kind: 'descendant', name: null }, pos + 1];
  if (source[pos] === '[') {
    const [inner, next] = readBracket(source, pos);
    if (inner.kind === 'member') return [{ kind: 'descendant', name: inner.name }, next];
    if (inner.kind === 'wildcard') return [{ kind: 'descendant', name: null }, next];
    throw new PathSyntaxError(`only a name or * may follow ".." at offset ${pos}`, pos);
  }
  const match = memberChars.exec(source.slice(pos));
  if (!match) throw new PathSyntaxError(`expected a name or * after ".." at offset ${pos}`, pos);
  return [{ kind: 'descendant', name: match[0] }, pos + match[0].length];
}

function readBracket(source: string, start: number): [PathSegment, number] {
  let pos = start + 1;
  if (source[pos] === '?' || source[pos] === '(') {
    const open = source[pos] === '?' ? pos + 1 : pos;
    if (source[open] !== '(') throw new PathSyntaxError(`expected "(" after "?" at offset ${open}`, open);
    const close = findClosingParen(source, open);
    if (source[close + 1] !== ']') throw new PathSyntaxError(`expected "]" at offset ${close + 1}`, close + 1);
    return [{ kind: 'filter', expression: source.slice(start + 1, close + 1) }, close + 2];
  }
  const end = findClosingBracket(source, start);
  const body = source.slice(pos, end).trim();
  pos = end + 1;
  if (body === '*') return [{ kind: 'wildcard' }, pos];
  if (body === '') throw new PathSyntaxError(`empty brackets at offset ${start}`, start);
  if (/^-?\d*:-?\d*(:-?\d*)?$/.test(body)) {
    const [a, b, c] = body.split(':').map((x) => (x === '' || x === undefined ? null : Number(x)));
    return [{ kind: 'slice', start: a ?? null, end: b ?? null, step: c ?? null }, pos];
  }
  const keys = splitUnion(body, start + 1);
  if (keys.length === 1) {
    const key = keys[0];
    return [typeof key === 'number' ? { kind: 'index', index: key } : { kind: 'member', name: key }, pos];
  }
  return [{ kind: 'union', keys }, pos];
}

function splitUnion(body: string, offset: number): Array<string | number> {
  const keys: Array<string | number> = [];
  let i = 0;
  while (i < body.length) {
    while (body[i] === ' ') i++;
    const quote = body[i];
    if (quote === "'" || quote === '"') {
      let value = '';
      i++;
      while (i < body.length && body[i] !== quote) {
        if (body[i] === '\\' && i + 1 < body.length) i++;
        value += body[i];
        i++;
      }
      if (body[i] !== quote) throw new PathSyntaxError(`unterminated string at offset ${offset + i}`, offset + i);
      keys.push(value);
      i++;
    } else {
      const match = /^-?\d+/.exec(body.slice(i));
      if (!match) throw new PathSyntaxError(`expected an index or a quoted name at offset ${offset + i}`, offset + i);
      keys.push(Number(match[0]));
      i += match[0].length;
    }
    while (body[i] === ' ') i++;
    if (i < body.length) {
      if (body[i] !== ',') throw new PathSyntaxError(`expected "," or "]" at offset ${offset + i}`, offset + i);
      i++;
    }
  }
  return keys;
}

function findClosingBracket(source: string, open: number): number {
  let quote: string | null = null;
  for (let i = open + 1; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ']') return i;
  }
  throw new PathSyntaxError(`"[" at offset ${open} is never closed`, open);
}

function findClosingParen(source: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  throw new PathSyntaxError(`"(" at offset ${open} is never closed`, open);
}
