/** Which project a workflow file belongs to, for commands that are given a file rather than a folder. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest folder at or above the file's that holds a nightshift.yaml; `fallback` when none does. */
export function findProjectDir(file: string, fallback = '.'): string {
  let dir = dirname(resolve(file));
  for (;;) {
    if (existsSync(join(dir, 'nightshift.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(fallback);
    dir = parent;
  }
}
