/**
 * Intrinsic function calls as ASL writes them in `.$` fields: `States.Format('{} items', $.count)`.
 * The parser turns the text into a small tree that the validator checks (syntax errors carry an offset)
 * and the core evaluates. Arguments are literals, paths (parsed by `parsePath`) or nested calls.
 */
import { parsePath, PathSyntaxError, type ParsedPath } from './json-path-syntax.ts';

export type IntrinsicName =
  | 'States.Format'
  | 'States.StringToJson'
  | 'States.JsonToString'
  | 'States.Array'
  | 'States.ArrayPartition'
  | 'States.ArrayContains'
  | 'States.ArrayRange'
  | 'States.ArrayGetItem'
  | 'States.ArrayLength'
  | 'States.ArrayUnique'
  | 'States.Base64Encode'
  | 'States.Base64Decode'
  | 'States.Hash'
  | 'States.JsonMerge'
  | 'States.MathRandom'
  | 'States.MathAdd'
  | 'States.StringSplit'
  | 'States.UUID';

/** How many arguments each function takes; `max` is Infinity for the variadic ones. */
export const intrinsicArity: Record<IntrinsicName, { min: number; max: number }> = {
  'States.Format': { min: 1, max: Infinity },
  'States.StringToJson': { min: 1, max: 1 },
  'States.JsonToString': { min: 1, max: 1 },
  'States.Array': { min: 0, max: Infinity },
  'States.ArrayPartition': { min: 2, max: 2 },
  'States.ArrayContains': { min: 2, max: 2 },
  'States.ArrayRange': { min: 3, max: 3 },
  'States.ArrayGetItem': { min: 2, max: 2 },
  'States.ArrayLength': { min: 1, max: 1 },
  'States.ArrayUnique': { min: 1, max: 1 },
  'States.Base64Encode': { min: 1, max: 1 },
  'States.Base64Decode': { min: 1, max: 1 },
  'States.Hash': { min: 2, max: 2 },
  'States.JsonMerge': { min: 3, max: 3 },
  'States.MathRandom': { min: 2, max: 3 },
  'States.MathAdd': { min: 2, max: 2 },
  'States.StringSplit': { min: 2, max: 2 },
  'States.UUID': { min: 0, max: 0 },
};

export interface IntrinsicCall {
  name: IntrinsicName;
  args: IntrinsicArg[];
  /** Where `States.` of this call starts in the parsed text. */
  offset: number;
}

export type IntrinsicArg =
  | {
      kind: 'literal';
      value: string | number | boolean | null;
      /**
       * String literals only: where in `value` a `{}` written without escapes starts. States.Format needs
       * it because `\{}` in a literal template is a literal brace pair, yet unescapes to the same text.
       */
      placeholders?: number[];
    }
  | { kind: 'path'; path: ParsedPath }
  | { kind: 'call'; call: IntrinsicCall };

export class IntrinsicSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'IntrinsicSyntaxError';
    this.offset = offset;
  }
}

/** The AWS guide allows at most 10 nested intrinsic functions in one field. */
const maxDepth = 10;
const callStart = /^States\.([A-Za-z][A-Za-z0-9]*)/;
const numberToken = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;
const wordToken = /^[A-Za-z_][A-Za-z0-9_]*/;
const keywords: Record<string, boolean | null> = { true: true, false: false, null: null };
/** The only escapes the spec defines inside intrinsic strings; any other backslash is an error. */
const escapable = new Set(["'", '{', '}', '\\']);
const whitespace = /\s/;

export function isIntrinsicExpression(text: string): boolean {
  return /^\s*States\.[A-Za-z][A-Za-z0-9]*\(/.test(text);
}

export function parseIntrinsic(text: string): IntrinsicCall {
  const cursor: Cursor = { text, pos: 0 };
  skipWhitespace(cursor);
  if (!text.startsWith('States.', cursor.pos)) {
    throw new IntrinsicSyntaxError(`expected an intrinsic function call such as States.Format(...) at offset ${cursor.pos}`, cursor.pos);
  }
  const call = readCall(cursor, 1);
  skipWhitespace(cursor);
  if (cursor.pos < text.length) {
    throw new IntrinsicSyntaxError(`unexpected characters after the closing ")" at offset ${cursor.pos}`, cursor.pos);
  }
  return call;
}

interface Cursor {
  readonly text: string;
  pos: number;
}

function skipWhitespace(cursor: Cursor): void {
  while (cursor.pos < cursor.text.length && whitespace.test(cursor.text[cursor.pos])) cursor.pos++;
}

function isIntrinsicName(name: string): name is IntrinsicName {
  return Object.hasOwn(intrinsicArity, name);
}

function readCall(cursor: Cursor, depth: number): IntrinsicCall {
  const offset = cursor.pos;
  if (depth > maxDepth) {
    throw new IntrinsicSyntaxError(`intrinsic functions may be nested at most ${maxDepth} deep (offset ${offset})`, offset);
  }
  const match = callStart.exec(cursor.text.slice(offset));
  if (!match) throw new IntrinsicSyntaxError(`expected a function name after "States." at offset ${offset + 7}`, offset + 7);
  const name = match[0];
  if (!isIntrinsicName(name)) throw new IntrinsicSyntaxError(`unknown intrinsic function "${name}" at offset ${offset}`, offset);
  cursor.pos = offset + name.length;
  if (cursor.text[cursor.pos] !== '(') {
    throw new IntrinsicSyntaxError(`expected "(" after ${name} at offset ${cursor.pos}`, cursor.pos);
  }
  cursor.pos++;
  const args = readArguments(cursor, depth);
  const { min, max } = intrinsicArity[name];
  if (args.length < min || args.length > max) {
    throw new IntrinsicSyntaxError(`${name} takes ${describeArity(min, max)}, got ${args.length} (offset ${offset})`, offset);
  }
  return { name, args, offset };
}

/** Reads from just after "(" to just after the matching ")". */
function readArguments(cursor: Cursor, depth: number): IntrinsicArg[] {
  const args: IntrinsicArg[] = [];
  skipWhitespace(cursor);
  if (cursor.text[cursor.pos] === ')') {
    cursor.pos++;
    return args;
  }
  for (;;) {
    skipWhitespace(cursor);
    args.push(readArgument(cursor, depth));
    skipWhitespace(cursor);
    const ch = cursor.text[cursor.pos];
    cursor.pos++;
    if (ch === ')') return args;
    if (ch !== ',') {
      const at = cursor.pos - 1;
      const found = ch === undefined ? 'the end of the text' : `"${ch}"`;
      throw new IntrinsicSyntaxError(`expected "," or ")" at offset ${at}, found ${found}`, at);
    }
  }
}

function readArgument(cursor: Cursor, depth: number): IntrinsicArg {
  const ch = cursor.text[cursor.pos];
  if (ch === "'") return readString(cursor);
  if (ch === '$') return readPath(cursor);
  if (ch === '-' || (ch >= '0' && ch <= '9')) return readNumber(cursor);
  if (cursor.text.startsWith('States.', cursor.pos)) return { kind: 'call', call: readCall(cursor, depth + 1) };
  const word = wordToken.exec(cursor.text.slice(cursor.pos));
  if (word && Object.hasOwn(keywords, word[0])) {
    cursor.pos += word[0].length;
    expectArgumentEnd(cursor);
    return { kind: 'literal', value: keywords[word[0]] };
  }
  if (ch === undefined) throw new IntrinsicSyntaxError(`expected an argument or ")" at offset ${cursor.pos}`, cursor.pos);
  const shown = word ? word[0] : ch;
  throw new IntrinsicSyntaxError(
    `unexpected "${shown}" at offset ${cursor.pos}: an argument is a 'string', a number, true, false, null, a path or a States. call`,
    cursor.pos,
  );
}

function readString(cursor: Cursor): IntrinsicArg {
  const start = cursor.pos;
  const { text } = cursor;
  let value = '';
  const placeholders: number[] = [];
  let afterOpenBrace = false;
  let pos = start + 1;
  while (pos < text.length && text[pos] !== "'") {
    const ch = text[pos];
    if (ch === '\\') {
      const next = text[pos + 1];
      if (next === undefined || !escapable.has(next)) {
        throw new IntrinsicSyntaxError(`"\\" at offset ${pos} must be followed by ', {, } or \\`, pos);
      }
      value += next;
      afterOpenBrace = false;
      pos += 2;
      continue;
    }
    if (ch === '}' && afterOpenBrace) placeholders.push(value.length - 1);
    afterOpenBrace = ch === '{';
    value += ch;
    pos++;
  }
  if (pos >= text.length) throw new IntrinsicSyntaxError(`unterminated string starting at offset ${start}`, start);
  cursor.pos = pos + 1;
  expectArgumentEnd(cursor);
  return { kind: 'literal', value, placeholders };
}

function readNumber(cursor: Cursor): IntrinsicArg {
  const match = numberToken.exec(cursor.text.slice(cursor.pos));
  if (!match) throw new IntrinsicSyntaxError(`expected a number at offset ${cursor.pos}`, cursor.pos);
  cursor.pos += match[0].length;
  expectArgumentEnd(cursor);
  return { kind: 'literal', value: Number(match[0]) };
}

/** A path runs to the first ",", ")" or whitespace that is not inside brackets or quotes. */
function readPath(cursor: Cursor): IntrinsicArg {
  const start = cursor.pos;
  const { text } = cursor;
  let depth = 0;
  let quote: string | null = null;
  let pos = start;
  for (; pos < text.length; pos++) {
    const ch = text[pos];
    if (quote) {
      if (ch === '\\') pos++;
      else if (ch === quote) quote = null;
    } else if (depth > 0 && (ch === "'" || ch === '"')) quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (depth === 0 && (ch === ',' || ch === ')' || whitespace.test(ch))) break;
  }
  const source = text.slice(start, pos);
  try {
    const path = parsePath(source);
    cursor.pos = pos;
    return { kind: 'path', path };
  } catch (error) {
    if (error instanceof PathSyntaxError) {
      const message = `invalid path argument "${source}" starting at offset ${start} (${error.message} within it)`;
      throw new IntrinsicSyntaxError(message, start + error.offset);
    }
    throw error;
  }
}

/** A literal must be followed by a separator, so `12ab` or `'a'b` is an error rather than two tokens. */
function expectArgumentEnd(cursor: Cursor): void {
  const ch = cursor.text[cursor.pos];
  if (ch === undefined || ch === ',' || ch === ')' || whitespace.test(ch)) return;
  throw new IntrinsicSyntaxError(`unexpected "${ch}" at offset ${cursor.pos}`, cursor.pos);
}

function describeArity(min: number, max: number): string {
  const plural = (n: number) => (n === 1 ? 'argument' : 'arguments');
  if (min === max) return `exactly ${min} ${plural(min)}`;
  if (max === Infinity) return `at least ${min} ${plural(min)}`;
  return `${min} to ${max} arguments`;
}
