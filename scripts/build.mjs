#!/usr/bin/env node
// Builds the package: src/ → dist/ with tsc (tsconfig.build.json), then the dashboard. `prepare` (an
// install of the git repository) and `prepack` (npm pack, npm publish) both run it; the second run
// finds dist/ up to date and only checks. Up to date: dist/.built names the same source files as
// src/ holds now (a deleted or added file rebuilds) and is newer than each of them.
//   node scripts/build.mjs             build now
//   node scripts/build.mjs --if-stale  build only when dist/ is missing or older than a source file
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.built');

function files(dir, keep) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, keep) : keep(name) ? [path] : [];
  });
}

function sources() {
  return [...files(join(root, 'src'), (n) => n.endsWith('.ts')), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json'), join(root, 'scripts', 'build.mjs')].sort();
}

function stale() {
  if (!existsSync(stamp)) return true;
  const list = sources();
  if (readFileSync(stamp, 'utf8') !== `${list.join('\n')}\n`) return true;
  return Math.max(...list.map((f) => statSync(f).mtimeMs)) > statSync(stamp).mtimeMs;
}

function buildTypeScript() {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    // An install without devDependencies (npm ci --omit=dev in a checkout) must not fail here: say so.
    console.warn('nightshift: dist/ is not built: TypeScript is not installed (run npm install with devDependencies, then npm run build)');
    if (process.argv.includes('--if-stale')) return;
    process.exit(1);
  }
  rmSync(dist, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  // tsc rewrites `./x.ts` to `./x.js` in JavaScript but not in declaration files; a consumer's
  // TypeScript (moduleResolution node16 or bundler) resolves `./x.js` to the `.d.ts` beside it.
  for (const file of files(dist, (n) => n.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(/(from\s+|import\(\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2');
    if (fixed !== text) writeFileSync(file, fixed);
  }
  writeFileSync(stamp, `${sources().join('\n')}\n`);
  console.log(`nightshift: built ${dist}`);
}

if (!process.argv.includes('--if-stale') || stale()) buildTypeScript();
const dashboard = spawnSync(process.execPath, [join(root, 'dashboard', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
process.exit(dashboard.status ?? 1);
