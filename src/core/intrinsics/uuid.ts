/** States.UUID(): a version 4 UUID whose 122 random bits come from env.random(). */
import type { IntrinsicFunction } from './arguments.ts';

export const uuid: IntrinsicFunction = (_args, env) => uuidFromRandom(() => env.random());

/** A version 4 UUID from any source of numbers in [0, 1); shared with JSONata's $uuid. */
export function uuidFromRandom(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256) & 0xff);
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4 in the high nibble of byte 6
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant: bits 10xx in byte 8
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
