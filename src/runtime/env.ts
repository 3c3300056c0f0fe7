/** What the runtime hands the pure core: real randomness, real hashing, unguessable task tokens. */
import { createHash, randomBytes } from 'node:crypto';
import type { HashAlgorithm } from '../core/index.ts';

const nodeHashNames: Record<HashAlgorithm, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export function hashText(algorithm: HashAlgorithm, data: string): string {
  return createHash(nodeHashNames[algorithm]).update(data, 'utf8').digest('hex');
}

/** 256 random bits: a task token cannot be guessed. */
export function newTaskToken(): string {
  return randomBytes(32).toString('base64url');
}
