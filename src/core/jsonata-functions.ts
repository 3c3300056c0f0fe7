/**
 * The functions Step Functions adds to JSONata ($partition, $range, $hash, $random, $uuid, $parse), and
 * $now/$millis bound to the step's time so that evaluation stays a pure function of its inputs.
 */
import { StatesError } from './failure.ts';
import { hashAlgorithms, uuidFromRandom, seededRandom, type HashAlgorithm } from './intrinsics/index.ts';

export interface JsonataEnv {
  now: number;
  random(): number;
  hash(algorithm: HashAlgorithm, data: string): string;
}

function fail(message: string): never {
  throw new StatesError('States.QueryEvaluationError', message);
}

export function stepFunctionsJsonataFunctions(env: JsonataEnv): Record<string, (...args: never[]) => unknown> {
  return {
    now: () => new Date(env.now).toISOString(),
    millis: () => env.now,
    partition: (array: unknown[], size: number) => {
      if (!Array.isArray(array)) fail('$partition: the first argument must be an array');
      if (!Number.isInteger(size) || size <= 0) fail('$partition: the size must be a positive integer');
      const out: unknown[][] = [];
      for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
      return out;
    },
    range: (start: number, end: number, step: number) => {
      if (![start, end, step].every(Number.isInteger) || step === 0) fail('$range: start, end and step must be integers, step not 0');
      const out: number[] = [];
      for (let n = start; step > 0 ? n <= end : n >= end; n += step) {
        out.push(n);
        if (out.length > 1000) fail('$range: at most 1000 items');
      }
      return out;
    },
    hash: (value: string, algorithm: string) => {
      if (typeof value !== 'string') fail('$hash: the value must be a string');
      if (!(hashAlgorithms as readonly string[]).includes(algorithm)) fail(`$hash: unknown algorithm ${algorithm}`);
      return env.hash(algorithm as HashAlgorithm, value);
    },
    random: (seed?: number) => (seed === undefined ? env.random() : seededRandom(seed)()),
    uuid: () => uuidFromRandom(env.random),
    parse: (text: string) => {
      try {
        return JSON.parse(text);
      } catch {
        return fail('$parse: the argument is not valid JSON');
      }
    },
  };
}
