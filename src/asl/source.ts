/**
 * Reading a workflow file as YAML or JSON while keeping where every node was written, so that each
 * validation problem can point at a line and column. JSON goes through the same YAML parser: YAML 1.2 is a
 * superset of JSON, and one parser means one way of reporting syntax errors and duplicate keys.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import type { Json } from '../shared/index.ts';
import type { Problem } from './problems.ts';

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface ParsedSource {
  /** The document as JSON; undefined when a syntax error made it unreadable. */
  value: Json | undefined;
  file?: string;
  /** Where the node at an RFC 6901 pointer was written; a missing child locates its nearest existing parent. */
  locate(pointer: string): SourcePosition | undefined;
  /** Syntax errors and duplicate keys, already located. */
  problems: Problem[];
}

interface YamlError {
  code: string;
  message: string;
  pos: [number, number];
}

export function parseSource(text: string, file?: string): ParsedSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems = (document.errors as YamlError[]).map((error) => ({
    ...toProblem(error, text, at(error.pos[0]), file),
    pointer: pointerOfKeyAt(document.contents, error.pos[0]) ?? '',
  }));
  const unreadable = problems.some((p) => p.code === 'SYNTAX_ERROR');
  let value: Json | undefined;
  if (!unreadable) {
    try {
      value = (document.toJS({ maxAliasCount: 1000 }) ?? null) as Json;
    } catch (error) {
      problems.push({ code: 'SYNTAX_ERROR', message: (error as Error).message, pointer: '', file, ...at(0) });
    }
  }
  return {
    value,
    file,
    problems,
    locate: (pointer) => {
      const offset = offsetOf(document, pointer);
      return offset === undefined ? undefined : at(offset);
    },
  };
}

function toProblem(error: YamlError, text: string, position: SourcePosition, file: string | undefined): Problem {
  if (error.code === 'DUPLICATE_KEY') {
    const key = keyTextAt(text, error.pos[0]);
    const message = `The key ${key} appears more than once in the same mapping; each key may be written only once.`;
    return { code: 'DUPLICATE_KEY', message, pointer: '', file, ...position };
  }
  return { code: 'SYNTAX_ERROR', message: `${error.message}.`, pointer: '', file, ...position };
}

/** The key as written at an offset: a quoted string or a plain scalar up to the colon. */
function keyTextAt(text: string, offset: number): string {
  const match = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:,{}[\]\n]+)/.exec(text.slice(offset));
  const raw = match ? match[0].trim() : '';
  return raw.startsWith('"') || raw.startsWith("'") ? raw : `"${raw}"`;
}

/** Splits an RFC 6901 pointer into its unescaped reference tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function offsetOf(document: Document, pointer: string): number | undefined {
  let node: unknown = document.contents;
  let offset = startOf(node);
  for (const token of pointerTokens(pointer)) {
    if (isAlias(node)) node = node.resolve(document);
    const child = childOf(node, token);
    if (!child) break;
    offset = child.offset ?? offset;
    node = child.node;
  }
  return offset;
}

/** A child and where to point for it: a mapping entry points at its key, a sequence item at the item. */
function childOf(node: unknown, token: string): { node: unknown; offset: number | undefined } | undefined {
  if (isMap(node)) {
    const pair = (node.items as Pair[]).find((item) => isPair(item) && keyString(item.key) === token);
    if (!pair) return undefined;
    return { node: pair.value, offset: startOf(pair.key) ?? startOf(pair.value) };
  }
  if (isSeq(node)) {
    if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
    const item: unknown = node.items[Number(token)];
    return item === undefined ? undefined : { node: item, offset: startOf(item) };
  }
  return undefined;
}

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function startOf(node: unknown): number | undefined {
  const range = (node as YamlNode | null)?.range;
  return range ? range[0] : undefined;
}

/** The pointer of the mapping entry whose key starts at an offset (where a duplicate key is reported). */
function pointerOfKeyAt(node: unknown, offset: number, pointer = ''): string | undefined {
  const escape = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');
  if (isMap(node)) {
    for (const pair of node.items as Pair[]) {
      const key = keyString(pair.key);
      if (key === undefined) continue;
      const inner = `${pointer}/${escape(key)}`;
      if (startOf(pair.key) === offset) return inner;
      const found = pointerOfKeyAt(pair.value, offset, inner);
      if (found !== undefined) return found;
    }
  }
  if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const found = pointerOfKeyAt(item, offset, `${pointer}/${i}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
