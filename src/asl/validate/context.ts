/**
 * What every validation rule shares: the list problems are added to, how to build pointers, and the scope of
 * the state being checked. Rules never stop at the first problem; they report and carry on.
 */
import type { JsonObject } from '../../shared/index.ts';
import type { Problem } from '../problems.ts';
import type { QueryLanguage } from '../types.ts';

/** Which kind of nested state machine is being validated; each allows slightly different fields. */
export type MachineKind = 'root' | 'branch' | 'processor' | 'iterator';

export interface Context {
  readonly problems: Problem[];
  readonly isKnownResource?: (name: string) => boolean;
  /** The top level's QueryLanguage: states that do not set their own use it, at every nesting level. */
  readonly topLanguage: QueryLanguage;
  /** Every state name met so far in the whole definition, with its pointer (names are unique machine-wide). */
  readonly statePointers: Map<string, string>;
  /** Every state name of the whole definition, nested ones included, collected before validation starts. */
  readonly allStateNames: ReadonlySet<string>;
  /** The variables each enclosing machine level assigns, outermost first; pushed and popped while descending. */
  readonly variableScopes: Array<ReadonlySet<string>>;
  /** Validates a nested state machine (a Parallel branch, a Map's ItemProcessor or Iterator). */
  readonly nested: (value: unknown, pointer: string, kind: MachineKind, label: string) => void;
}

/** One state being validated: its name, where it is, its effective query language. */
export interface StateScope {
  readonly ctx: Context;
  readonly name: string;
  readonly pointer: string;
  readonly state: JsonObject;
  readonly language: QueryLanguage;
}

export function report(ctx: Context, code: string, pointer: string, message: string): void {
  ctx.problems.push({ code, message, pointer });
}

/** Reports about a state, prefixing the message with the state's name. */
export function reportState(scope: StateScope, code: string, pointer: string, message: string): void {
  report(scope.ctx, code, pointer, `State ${quote(scope.name)}: ${message}`);
}

/** Appends reference tokens to a pointer, escaping `~` and `/` as RFC 6901 requires. */
export function join(pointer: string, ...tokens: Array<string | number>): string {
  return tokens.reduce<string>(
    (acc, token) => `${acc}/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`,
    pointer,
  );
}

export function quote(text: string): string {
  return JSON.stringify(text);
}

/** A short rendering of a value for messages. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The JSON type of a value, as a developer would name it. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** ` Did you mean "X"?` when one candidate is close enough to be a likely typo, otherwise ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  return best !== undefined && bestDistance <= tolerance ? ` Did you mean ${quote(best)}?` : '';
}

/** Levenshtein distance, with adjacent transpositions counted as one edit (typos swap letters). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i][j] = best;
    }
  }
  return rows[a.length][b.length];
}
