/**
 * Evaluates a parsed intrinsic call: arguments first (nested calls inner-first, paths through the
 * environment), then the function named by the call, looked up in one table.
 */
import type { IntrinsicCall, IntrinsicName, ParsedPath } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import type { IntrinsicEnv, IntrinsicFunction, IntrinsicRuntime } from './arguments.ts';
import { array, arrayContains, arrayGetItem, arrayLength, arrayPartition, arrayRange, arrayUnique } from './array.ts';
import { base64Decode, base64Encode } from './encoding.ts';
import { format } from './format.ts';
import { hash } from './hash.ts';
import { jsonMerge, jsonToString, stringToJson } from './json.ts';
import { mathAdd, mathRandom } from './math.ts';
import { stringSplit } from './string.ts';
import { uuid } from './uuid.ts';

export type { HashAlgorithm, IntrinsicEnv, IntrinsicFunction, IntrinsicRuntime } from './arguments.ts';
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

/** Evaluates one argument (or a whole call) in a scope; `error` names the error of a path that selects nothing. */
export type Evaluate<S> = (scope: S, error: string) => Json;

/**
 * Compiles a parsed call into a function: arguments first, left to right (nested calls inner-first,
 * paths through `readPath`), then the function named by the call, looked up once. Templates compile
 * their calls once per definition instead of evaluating the parsed call with a new environment object
 * and path closure each time (with the compiled templates and choice rules: 52 -> 34 KB allocated per
 * bench/workflows/order.json execution).
 */
export function compileIntrinsic<S extends { intrinsics: IntrinsicRuntime }>(
  call: IntrinsicCall,
  readPath: (path: ParsedPath) => Evaluate<S>,
): Evaluate<S> {
  const fn = intrinsicFunctions[call.name];
  const args = call.args.map((arg): Evaluate<S> => {
    if (arg.kind === 'literal') return () => arg.value;
    if (arg.kind === 'path') return readPath(arg.path);
    return compileIntrinsic(arg.call, readPath);
  });
  return (scope, error) => {
    const values: Json[] = [];
    for (const arg of args) values.push(arg(scope, error));
    return fn(values, scope.intrinsics, call);
  };
}

/** Errors are StatesErrors: States.IntrinsicFailure from the functions, or whatever resolvePath throws. */
export function evaluateIntrinsic(call: IntrinsicCall, env: IntrinsicEnv): Json {
  const evaluate = compileIntrinsic<{ intrinsics: IntrinsicEnv }>(call, (path) => (scope) => scope.intrinsics.resolvePath(path));
  return evaluate({ intrinsics: env }, '');
}
