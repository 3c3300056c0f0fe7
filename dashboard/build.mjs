#!/usr/bin/env node
// Builds the dashboard into dashboard/dist with Vite (a devDependency).
//   node dashboard/build.mjs              build now
//   node dashboard/build.mjs --if-stale   build only when dist is missing or older than a source file
// Without Vite (an install that left out devDependencies) it says so and exits 0: the engine then
// serves a page at /dashboard/ explaining how to build, and everything else works.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = import.meta.dirname;
const built = join(root, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function stale() {
  if (!existsSync(built)) return true;
  const sources = ['src', 'index.html', 'vite.config.ts'].map((p) => join(root, p)).filter(existsSync);
  return Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
}

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  console.warn('nightshift: the dashboard is not built (Vite is not installed: run npm install with devDependencies, then npm run build:dashboard)');
  process.exit(0);
}
await vite.build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
console.log(`nightshift: dashboard built into ${join(root, 'dist')}`);
