import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { embeddedBinariesDir } from '../../src/store/index.ts';

/**
 * As root the embedded server runs as the user "postgres", which must be able to enter every folder
 * above the binaries in node_modules. A checkout under a 0700 folder (e.g. `mktemp -d`) does not allow
 * that: answers the folder that blocks it, or null when the binaries are reachable.
 */
export function unreachableEmbeddedBinaries(): string | null {
  if (process.getuid?.() !== 0) return null;
  for (let dir = embeddedBinariesDir(); dir && dirname(dir) !== dir; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
  }
  return null;
}
