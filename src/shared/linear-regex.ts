/**
 * Regular expressions that run in time linear in their input (RE2's automata, the `re2js` package), for
 * every pattern whose subject is caller data: a `parameters` schema's `pattern` and `patternProperties`,
 * JSONata regexes. A backtracking engine lets one start with `^(a+)+$` over "a"×40+"!" hold the process
 * for minutes; RE2 answers in microseconds. RE2 has no backreferences or lookaround: such a pattern is
 * refused where it is written (`unsupportedPattern`), never run on a backtracking engine instead.
 */
import { RE2JS } from 're2js';

const flagBits: Readonly<Record<string, number>> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

const cache = new Map<string, RE2JS>();

/** Compiles ECMAScript regex syntax (`\uXXXX`, `[^]`, `(?<name>)` translated) with the flags i, m, s (others need nothing). Throws on what RE2 cannot run. */
export function compileLinear(pattern: string, flags = ''): RE2JS {
  const key = `${flags}/${pattern}`;
  let compiled = cache.get(key);
  if (!compiled) {
    let bits = 0;
    for (const flag of flags) bits |= flagBits[flag] ?? 0;
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
    if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
    cache.set(key, compiled);
  }
  return compiled;
}

/** Why RE2 cannot run a pattern (a backreference, lookahead, lookbehind, bad syntax), or undefined when it can. */
export function unsupportedPattern(pattern: string, flags = ''): string | undefined {
  try {
    compileLinear(pattern, flags);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Ajv's `code.regExp`: the validators Ajv builds call `test`, which searches like RegExp.prototype.test.
 * Ajv tells patterns apart by their `toString()`, so it must differ per pattern as a RegExp's does.
 */
export const linearRegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const compiled = compileLinear(pattern, flags);
    return { test: (text: string) => compiled.matcher(text).find(), toString: () => `/${pattern}/${flags}` };
  },
  { code: 'linearRegExpEngine' },
);

/**
 * A stand-in for RegExp that JSONata uses for its regex literals (its `RegexEngine` option): JSONata
 * calls `new RegexEngine(regex)`, sets `lastIndex` and calls `exec`, expecting RegExp's answer shape.
 */
export class LinearRegexEngine {
  lastIndex = 0;
  private readonly compiled: RE2JS;

  constructor(regex: RegExp) {
    this.compiled = compileLinear(regex.source, regex.flags);
  }

  exec(text: string): (RegExpExecArray & { index: number }) | null {
    const matcher = this.compiled.matcher(text);
    if (this.lastIndex > text.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: Array<string | undefined> = [];
    for (let g = 0; g <= matcher.groupCount(); g++) groups.push(matcher.group(g) ?? undefined);
    const result = Object.assign(groups, { index: matcher.start(), input: text }) as unknown as RegExpExecArray & { index: number };
    this.lastIndex = matcher.end();
    return result;
  }
}
