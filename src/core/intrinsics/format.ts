/**
 * States.Format: the first argument is a template whose `{}` placeholders are filled, in order, by the
 * remaining arguments; there must be exactly as many arguments as placeholders.
 */
import type { IntrinsicCall } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import { expectString, intrinsicFailure, type IntrinsicFunction } from './arguments.ts';

const name = 'States.Format';

export const format: IntrinsicFunction = (args, _env, call) => {
  const template = expectString(name, args, 0);
  const holes = placeholdersOf(template, call);
  if (holes.length !== args.length - 1) {
    throw intrinsicFailure(
      name,
      `the template has ${holes.length} {} placeholder(s) but ${args.length - 1} value(s) were given`,
    );
  }
  let result = '';
  let from = 0;
  for (let i = 0; i < holes.length; i++) {
    result += template.slice(from, holes[i]) + render(args[i + 1]);
    from = holes[i] + 2;
  }
  return result + template.slice(from);
};

/**
 * A template written as a literal knows which `{}` were escaped (the parser recorded the real ones).
 * A template read from a path or returned by a nested call is plain data, where every `{}` counts.
 */
function placeholdersOf(template: string, call: IntrinsicCall): number[] {
  const first = call.args[0];
  if (first?.kind === 'literal' && first.placeholders) return first.placeholders;
  const holes: number[] = [];
  for (let at = template.indexOf('{}'); at !== -1; at = template.indexOf('{}', at + 2)) holes.push(at);
  return holes;
}

/**
 * Strings go in as they are; numbers, booleans and null as JSON (`42`, `true`, `null`). Objects and
 * arrays are refused: the AWS guide allows only those scalar types as Format arguments.
 */
function render(value: Json): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    throw intrinsicFailure(name, `a value to format must be a string, number, boolean or null, not ${Array.isArray(value) ? 'an array' : 'an object'}`);
  }
  // For a finite number, a boolean or null, String() writes what JSON.stringify writes, without the
  // serializer's set-up (JSON.stringify here was ~2% of a short workflow's time).
  return String(value);
}
