/**
 * Evaluates a parsed intrinsic call: arguments first (nested calls inner-first, paths through the
 * environment), then the function named by the call, looked up in one table.
 */
import type { IntrinsicArg, IntrinsicCall, IntrinsicName } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import type { IntrinsicEnv, IntrinsicFunction } from './arguments.ts';
import { array, arrayContains, arrayGetItem, arrayLength, arrayPartition, arrayRange, arrayUnique } from './array.ts';
import { base64Decode, base64Encode } from './encoding.ts';
import { format } from './format.ts';
import { hash } from './hash.ts';
import { jsonMerge, jsonToString, stringToJson } from './json.ts';
import { mathAdd, mathRandom } from './math.ts';
import { stringSplit } from './string.ts';
import { uuid } from './uuid.ts';

export type { HashAlgorithm, IntrinsicEnv, IntrinsicFunction } from './arguments.ts';
export { hashAlgorithms } from './arguments.ts';
export { seededRandom } from './math.ts';
export { uuidFromRandom } from './uuid.ts';

const intrinsicFunctions: Record<IntrinsicName, IntrinsicFunction> = {
  'States.Format': format,
  'States.StringToJson': stringToJson,
  'States.JsonToString': jsonToString,
  'States.Array': array,
  'States.ArrayPartition': arrayPartition,
  'States.ArrayContains': arrayContains,
  'States.ArrayRange': arrayRange,
  'States.ArrayGetItem': arrayGetItem,
  'States.ArrayLength': arrayLength,
  'States.ArrayUnique': arrayUnique,
  'States.Base64Encode': base64Encode,
  'States.Base64Decode': base64Decode,
  'States.Hash': hash,
  'States.JsonMerge': jsonMerge,
  'States.MathRandom': mathRandom,
  'States.MathAdd': mathAdd,
  'States.StringSplit': stringSplit,
  'States.UUID': uuid,
};

/** Errors are StatesErrors: States.IntrinsicFailure from the functions, or whatever resolvePath throws. */
export function evaluateIntrinsic(call: IntrinsicCall, env: IntrinsicEnv): Json {
  const args = call.args.map((arg) => evaluateArgument(arg, env));
  return intrinsicFunctions[call.name](args, env, call);
}

function evaluateArgument(arg: IntrinsicArg, env: IntrinsicEnv): Json {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'path') return env.resolvePath(arg.path);
  return evaluateIntrinsic(arg.call, env);
}
