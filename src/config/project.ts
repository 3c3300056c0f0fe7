/** Which project a command works on: for a workflow file, the folder above it; for a command, the nearest project upwards. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EngineError } from '../shared/index.ts';

/*
 * Which project a command works on, found as git finds its repository: the nearest folder at or above
 * the current one (or, for a command given a workflow file, the file's) that holds nightshift.yaml or
 * a workflows/ folder. A folder named with --dir (or a [dir] argument) must be one. Without one (and
 * without DATABASE_URL) a command that needs a database stops with CONFIG_INVALID (exit 2) instead of
 * creating a new embedded Postgres in whatever folder it was run from.
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

/** The nearest project folder at or above the file's; `fallback` when there is none. */
export function findProjectDir(file: string, fallback = '.'): string {
  return findProjectUpwards(dirname(resolve(file))) ?? resolve(fallback);
}

function givenProject(given: string, hint: string): string {
  const dir = resolve(given);
  if (!isProjectDir(dir)) {
    throw new EngineError('CONFIG_INVALID', `${dir} is not a Nightshift project (no nightshift.yaml, no workflows/ folder): run \`nightshift init ${given}\` first${hint}`);
  }
  return dir;
}

function noProjectHere(hint: string): EngineError {
  return new EngineError('CONFIG_INVALID', `No Nightshift project here or in any folder above ${process.cwd()} (none holds nightshift.yaml or workflows/): `
    + `cd into one, give --dir, run \`nightshift init\`${hint}`);
}

/** The project folder of a command that uses the database: the one given (--dir or [dir]), else the nearest one upwards; refused when there is none and no DATABASE_URL. */
export function projectDirFor(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const hasDatabase = Boolean(env.DATABASE_URL);
  if (given !== undefined) return hasDatabase ? resolve(given) : givenProject(given, ', or set DATABASE_URL');
  const found = findProjectUpwards(process.cwd());
  if (found) return found;
  if (hasDatabase) return process.cwd();
  throw noProjectHere(', or set DATABASE_URL');
}

/** The project folder of a command that reads the project's files only (`types`, `validate` without files): the one given, else the nearest one upwards; refused when there is none. */
export function requireProjectDir(given: string | undefined): string {
  if (given !== undefined) return givenProject(given, '');
  const found = findProjectUpwards(process.cwd());
  if (found) return found;
  throw noProjectHere('');
}

/** The project of a command given a workflow file (`validate`, `execute`): the one given, else the nearest one at or above the file, else null (they need none). */
export function projectDirOfFile(given: string | undefined, file: string): string | null {
  return given !== undefined ? givenProject(given, '') : findProjectUpwards(dirname(resolve(file)));
}

/** NIGHTSHIFT_URL (and NIGHTSHIFT_KEY): the server the API commands talk to instead of the project's database; null when unset. */
export function remoteServer(env: NodeJS.ProcessEnv = process.env): { url: string; key: string | null } | null {
  const url = env.NIGHTSHIFT_URL?.trim();
  if (!url) return null;
  if (!/^https?:\/\//.test(url)) throw new EngineError('CONFIG_INVALID', `NIGHTSHIFT_URL must be an http(s) URL, got ${JSON.stringify(url)}`);
  return { url: url.replace(/\/+$/, ''), key: env.NIGHTSHIFT_KEY?.trim() || null };
}
