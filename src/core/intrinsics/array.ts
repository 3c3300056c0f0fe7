/**
 * The array intrinsics: Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength and
 * ArrayUnique. Values compare by deep equality (object key order does not matter).
 */
import type { IntrinsicName } from '../../asl/index.ts';
import { jsonByteSize, type Json } from '../../shared/index.ts';
import {
  expectArray,
  expectInteger,
  intrinsicFailure,
  roundedInteger,
  type IntrinsicFunction,
} from './arguments.ts';

/** The AWS guide: ArrayPartition's and ArrayContains' input array can't exceed the 256 KiB payload limit. */
const maxInputBytes = 256 * 1024;
/** The AWS guide: ArrayRange may generate at most 1000 items. */
const maxRangeItems = 1000;

export const array: IntrinsicFunction = (args) => [...args];

export const arrayPartition: IntrinsicFunction = (args) => {
  const name = 'States.ArrayPartition';
  const items = boundedArray(name, args);
  const size = roundedInteger(name, args, 1);
  if (size <= 0) throw intrinsicFailure(name, `the chunk size must be a positive integer, got ${String(args[1])}`);
  const chunks: Json[] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

export const arrayContains: IntrinsicFunction = (args) => {
  const items = boundedArray('States.ArrayContains', args);
  const wanted = canonicalJson(args[1]);
  return items.some((item) => canonicalJson(item) === wanted);
};

/**
 * Counts from start to end (inclusive when the step lands on it) by step. When the step points away
 * from end, the guide says nothing; the range is then empty, as a counting loop would give.
 */
export const arrayRange: IntrinsicFunction = (args) => {
  const name = 'States.ArrayRange';
  const start = roundedInteger(name, args, 0);
  const end = roundedInteger(name, args, 1);
  const step = roundedInteger(name, args, 2);
  if (step === 0) throw intrinsicFailure(name, 'the step (third argument) must not be zero');
  const span = end - start;
  const count = span !== 0 && Math.sign(span) !== Math.sign(step) ? 0 : Math.floor(span / step) + 1;
  if (count > maxRangeItems) {
    throw intrinsicFailure(name, `the range would hold ${count} items; at most ${maxRangeItems} are allowed`);
  }
  return Array.from({ length: count }, (_, i) => start + i * step);
};

/** The guide does not promise rounding here, so the index must be a whole number already. */
export const arrayGetItem: IntrinsicFunction = (args) => {
  const name = 'States.ArrayGetItem';
  const items = expectArray(name, args, 0);
  const index = expectInteger(name, args, 1);
  if (index < 0 || index >= items.length) {
    throw intrinsicFailure(name, `index ${index} is out of range for an array of ${items.length} item(s)`);
  }
  return items[index];
};

export const arrayLength: IntrinsicFunction = (args) => expectArray('States.ArrayLength', args, 0).length;

/** Keeps the first occurrence of each value, in the original order. */
export const arrayUnique: IntrinsicFunction = (args) => {
  const items = expectArray('States.ArrayUnique', args, 0);
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = canonicalJson(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

function boundedArray(name: IntrinsicName, args: Json[]): Json[] {
  const items = expectArray(name, args, 0);
  const bytes = jsonByteSize(items);
  if (bytes > maxInputBytes) {
    throw intrinsicFailure(name, `the input array is ${bytes} bytes; the payload limit is ${maxInputBytes}`);
  }
  return items;
}

/** JSON text with object keys sorted, so two values are deeply equal exactly when their texts are. */
function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
