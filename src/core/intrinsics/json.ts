/** States.StringToJson, States.JsonToString and States.JsonMerge. */
import type { Json } from '../../shared/index.ts';
import { expectBoolean, expectObject, expectString, intrinsicFailure, type IntrinsicFunction } from './arguments.ts';

/**
 * Parses a string holding JSON text. The AWS guide describes the argument as a path; a literal or a
 * nested call's string is accepted too, since the value is what matters.
 */
export const stringToJson: IntrinsicFunction = (args) => {
  const text = expectString('States.StringToJson', args, 0);
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw intrinsicFailure('States.StringToJson', `the argument is not valid JSON (${reason})`);
  }
};

/**
 * Serializes any value as compact JSON text (no spaces). Like StringToJson, any argument kind is accepted
 * although the guide speaks of a path.
 */
export const jsonToString: IntrinsicFunction = (args) => JSON.stringify(args[0]);

/**
 * A shallow merge: keys of the second object win over the first, nested objects are replaced, not merged.
 * The third argument is the deep-merge flag; the spec supports only `false`.
 */
export const jsonMerge: IntrinsicFunction = (args) => {
  const name = 'States.JsonMerge';
  const first = expectObject(name, args, 0);
  const second = expectObject(name, args, 1);
  if (expectBoolean(name, args, 2)) {
    throw intrinsicFailure(name, 'deep merging (third argument true) is not supported; pass false for a shallow merge');
  }
  // Spread defines own properties, so a "__proto__" key from parsed JSON stays an ordinary key.
  return { ...first, ...second };
};
