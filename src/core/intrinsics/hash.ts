/**
 * States.Hash(data, algorithm): the digest of a string of at most 10,000 characters, as lowercase hex.
 * The hashing itself comes from the environment, so the core stays free of Node's crypto module.
 */
import type { Json } from '../../shared/index.ts';
import {
  expectBoundedString,
  expectString,
  hashAlgorithms,
  intrinsicFailure,
  type HashAlgorithm,
  type IntrinsicFunction,
} from './arguments.ts';

const name = 'States.Hash';

export const hash: IntrinsicFunction = (args, env) => {
  const data = expectBoundedString(name, args, 0);
  const algorithm = expectString(name, args, 1);
  if (!isHashAlgorithm(algorithm)) {
    throw intrinsicFailure(name, `unknown algorithm "${algorithm}"; use one of ${hashAlgorithms.join(', ')}`);
  }
  return env.hash(algorithm, data);
};

/** Names are matched exactly as the guide spells them ("SHA-256", not "sha256"). */
function isHashAlgorithm(value: Json): value is HashAlgorithm {
  return (hashAlgorithms as readonly Json[]).includes(value);
}
