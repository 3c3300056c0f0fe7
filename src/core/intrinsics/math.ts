/** States.MathRandom and States.MathAdd. */
import type { Json } from '../../shared/index.ts';
import { intrinsicFailure, roundedInteger, type IntrinsicFunction } from './arguments.ts';

/** The AWS guide: MathAdd's operands must lie in the 32-bit signed range. */
const int32 = { min: -2147483648, max: 2147483647 };

/**
 * A random integer in [start, end). With a seed the result depends on the seed alone, so the same call
 * returns the same number every time (the guide's promise); without one it comes from env.random().
 * The guide leaves end <= start open; the range is then empty, which is reported as a failure. It does
 * not say what a seed may be either: any number is accepted and rounded like start and end.
 */
export const mathRandom: IntrinsicFunction = (args, env) => {
  const name = 'States.MathRandom';
  const start = roundedInteger(name, args, 0);
  const end = roundedInteger(name, args, 1);
  if (end <= start) throw intrinsicFailure(name, `the end (${end}) must be greater than the start (${start})`);
  const unit = args.length > 2 ? seededRandom(roundedInteger(name, args, 2))() : env.random();
  return start + Math.floor(unit * (end - start));
};

function int32Operand(args: Json[], index: number): number {
  const value = roundedInteger('States.MathAdd', args, index);
  if (value < int32.min || value > int32.max) {
    throw intrinsicFailure('States.MathAdd', `${value} is outside the allowed range ${int32.min} to ${int32.max}`);
  }
  return value;
}

export const mathAdd: IntrinsicFunction = (args) => {
  const a = int32Operand(args, 0);
  const b = int32Operand(args, 1);
  // The sum itself may leave the 32-bit range; it is returned exactly rather than wrapped around.
  return a + b;
};

/**
 * A deterministic generator of numbers in [0, 1) for a seed (taken modulo 2^32 after rounding). Each
 * number joins two outputs of a SplitMix32-style generator (a Weyl sequence stepped by the golden-ratio
 * constant, then the MurmurHash3 finalizer) into 53 random bits, the full precision of a double.
 */
export function seededRandom(seed: number): () => number {
  let state = Number.isFinite(seed) ? Math.round(seed) >>> 0 : 0;
  const next32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return () => {
    const high = next32() >>> 5; // 27 bits
    const low = next32() >>> 6; // 26 bits
    return (high * 2 ** 26 + low) / 2 ** 53;
  };
}
