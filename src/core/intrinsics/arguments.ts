/**
 * What every intrinsic family shares: the environment evaluation runs in, the shape of one function, and
 * the argument checks. A failed check throws States.IntrinsicFailure with a cause naming the function.
 */
import type { IntrinsicCall, IntrinsicName } from '../../asl/index.ts';
import type { ParsedPath } from '../../asl/index.ts';
import type { Json, JsonObject } from '../../shared/index.ts';
import { isJsonObject } from '../../shared/index.ts';
import { StatesError } from '../failure.ts';

export const hashAlgorithms = ['MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const;
export type HashAlgorithm = (typeof hashAlgorithms)[number];

/** What the functions themselves may use: randomness and hashing, injected. */
export interface IntrinsicRuntime {
  /** A number in [0, 1), as Math.random gives; the core never draws randomness itself. */
  random(): number;
  /** The digest of the UTF-8 bytes of `data`, as lowercase hex. */
  hash(algorithm: HashAlgorithm, data: string): string;
}

export interface IntrinsicEnv extends IntrinsicRuntime {
  /** Reads a path argument; may throw a StatesError (for example when the path matches nothing). */
  resolvePath(path: ParsedPath): Json;
}

/** One intrinsic: its evaluated arguments, plus the call itself for functions that read the syntax. */
export type IntrinsicFunction = (args: Json[], env: IntrinsicRuntime, call: IntrinsicCall) => Json;

export function intrinsicFailure(name: IntrinsicName, problem: string): StatesError {
  return new StatesError('States.IntrinsicFailure', `${name}: ${problem}`);
}

export function describeType(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const ordinals = ['first', 'second', 'third'];

function argumentLabel(index: number): string {
  return `the ${ordinals[index] ?? `#${index + 1}`} argument`;
}

function mismatch(name: IntrinsicName, index: number, expected: string, value: Json): StatesError {
  return intrinsicFailure(name, `${argumentLabel(index)} must be ${expected}, got ${describeType(value)}`);
}

export function expectString(name: IntrinsicName, args: Json[], index: number): string {
  const value = args[index];
  if (typeof value !== 'string') throw mismatch(name, index, 'a string', value);
  return value;
}

export function expectArray(name: IntrinsicName, args: Json[], index: number): Json[] {
  const value = args[index];
  if (!Array.isArray(value)) throw mismatch(name, index, 'an array', value);
  return value;
}

export function expectObject(name: IntrinsicName, args: Json[], index: number): JsonObject {
  const value = args[index];
  if (!isJsonObject(value)) throw mismatch(name, index, 'an object', value);
  return value;
}

export function expectBoolean(name: IntrinsicName, args: Json[], index: number): boolean {
  const value = args[index];
  if (typeof value !== 'boolean') throw mismatch(name, index, 'a boolean', value);
  return value;
}

/** An integer argument exactly as given: no rounding (used where the AWS guide does not promise any). */
export function expectInteger(name: IntrinsicName, args: Json[], index: number): number {
  const value = args[index];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw mismatch(name, index, 'an integer', value);
  return value;
}

/**
 * A numeric argument rounded to the nearest integer, as the AWS guide says Step Functions does for
 * ArrayPartition, ArrayRange, MathRandom and MathAdd. Halves round up (Math.round: 2.5 → 3, -2.5 → -2).
 */
export function roundedInteger(name: IntrinsicName, args: Json[], index: number): number {
  const value = args[index];
  if (typeof value !== 'number') throw mismatch(name, index, 'a number', value);
  const rounded = Math.round(value);
  if (!Number.isSafeInteger(rounded)) throw mismatch(name, index, 'an integer within ±2^53', value);
  return rounded;
}

/** The AWS guide caps the string inputs of Base64Encode, Base64Decode and Hash at 10,000 characters. */
export const maxStringInput = 10_000;

export function expectBoundedString(name: IntrinsicName, args: Json[], index: number): string {
  const value = expectString(name, args, index);
  // Counted in UTF-16 code units, as String.length (and Java's, which Step Functions runs on) counts.
  if (value.length > maxStringInput) {
    throw intrinsicFailure(name, `${argumentLabel(index)} has ${value.length} characters; at most ${maxStringInput} are allowed`);
  }
  return value;
}
