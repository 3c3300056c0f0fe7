/** Which project a command works on: for a workflow file, the folder above it; for a command, the nearest project upwards. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EngineError } from '../shared/index.ts';

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

/*
 * Which project a command works on, found as git finds its repository: the nearest folder at or above
 * the current one that holds nightshift.yaml or a workflows/ folder. Without one (and without
 * DATABASE_URL) a command that needs a database stops with CONFIG_INVALID (exit 2) instead of creating
 * a new embedded Postgres in whatever folder it was run from.
 */
/** Whether `dir` looks like a Nightshift project. */
export function isProjectDir(dir: string): boolean {
  return existsSync(join(dir, 'nightshift.yaml')) || existsSync(join(dir, 'workflows'));
}

/** The nearest project folder at or above `start`, or null. */
export function findProjectUpwards(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    if (isProjectDir(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The project folder of a command: the one given (--dir or [dir]), else the nearest one upwards; refused when there is none and no DATABASE_URL. */
export function projectDirFor(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const hasDatabase = Boolean(env.DATABASE_URL);
  if (given !== undefined) {
    const dir = resolve(given);
    if (!hasDatabase && !isProjectDir(dir)) {
      throw new EngineError('CONFIG_INVALID', `${dir} is not a Nightshift project (no nightshift.yaml, no workflows/ folder): run \`nightshift init ${given}\` first, or set DATABASE_URL`);
    }
    return dir;
  }
  const found = findProjectUpwards(process.cwd());
  if (found) return found;
  if (hasDatabase) return process.cwd();
  throw new EngineError('CONFIG_INVALID', `No Nightshift project here or in any folder above ${process.cwd()} (none holds nightshift.yaml or workflows/): `
    + 'cd into one, give --dir, run `nightshift init`, or set DATABASE_URL');
}

/** NIGHTSHIFT_URL (and NIGHTSHIFT_KEY): the server the API commands talk to instead of the project's database; null when unset. */
export function remoteServer(env: NodeJS.ProcessEnv = process.env): { url: string; key: string | null } | null {
  const url = env.NIGHTSHIFT_URL?.trim();
  if (!url) return null;
  if (!/^https?:\/\//.test(url)) throw new EngineError('CONFIG_INVALID', `NIGHTSHIFT_URL must be an http(s) URL, got ${JSON.stringify(url)}`);
  return { url: url.replace(/\/+$/, ''), key: env.NIGHTSHIFT_KEY?.trim() || null };
}
