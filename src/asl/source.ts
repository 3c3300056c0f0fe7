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
  // The parser's own duplicate-key check compares each key with every earlier one (30 000 states: 9 s of
  // a 10 s load); duplicateKeys finds them with one set per mapping instead.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: Problem[] = (document.errors as YamlError[]).map((error) => ({ ...toProblem(error, text, at(error.pos[0]), file), pointer: '' }));
  for (const { offset, pointer } of duplicateKeys(document.contents)) {
    problems.push({ ...toProblem({ code: 'DUPLICATE_KEY', message: '', pos: [offset, offset] }, text, at(offset), file), pointer });
  }
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
    const pair = pairsOf(node).get(token);
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

// One index per mapping, made on first use: locating every problem of a definition with thousands of
// states would otherwise scan a States mapping once per problem.
const pairIndexes = new WeakMap<object, Map<string, Pair>>();

function pairsOf(node: { items: unknown[] }): Map<string, Pair> {
  let index = pairIndexes.get(node);
  if (!index) {
    index = new Map();
    for (const item of node.items) {
      const key = isPair(item) ? keyString(item.key) : undefined;
      // The first one wins, as the earlier find() did.
      if (key !== undefined && !index.has(key)) index.set(key, item as Pair);
    }
    pairIndexes.set(node, index);
  }
  return index;
}

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function startOf(node: unknown): number | undefined {
  const range = (node as YamlNode | null)?.range;
  return range ? range[0] : undefined;
}

/**
 * Every key written a second time in the same mapping, with its offset and pointer. Iterative (an explicit
 * stack), so a deeply nested document cannot exhaust the call stack here.
 */
function duplicateKeys(root: unknown): Array<{ offset: number; pointer: string }> {
  const escape = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');
  const found: Array<{ offset: number; pointer: string }> = [];
  const stack: Array<{ node: unknown; pointer: string }> = [{ node: root, pointer: '' }];
  while (stack.length > 0) {
    const { node, pointer } = stack.pop() as { node: unknown; pointer: string };
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items as Pair[]) {
        const key = keyString(pair.key);
        if (key === undefined) continue;
        const inner = `${pointer}/${escape(key)}`;
        if (seen.has(key)) found.push({ offset: startOf(pair.key) ?? 0, pointer: inner });
        seen.add(key);
        stack.push({ node: pair.value, pointer: inner });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, pointer: `${pointer}/${i}` }));
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}
