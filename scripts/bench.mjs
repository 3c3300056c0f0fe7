#!/usr/bin/env node
// Runs the benchmarks under bench/ and passes their output through. The peers they compare against are
// devDependencies of bench/ only (its own package.json), installed here on first use. Arguments after
// `npm run bench --` go to every benchmark (e.g. `npm run bench -- --scale=0.1`).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const allBenchmarks = [
  'bench/asl-throughput.mts',
  'bench/durable-throughput.mts',
  'bench/durable-floor.mts',
  'bench/start-one-by-one.mts',
  'bench/http-starts.mts',
  'bench/timer-lateness.mts',
  'bench/latency-under-load.mts',
  'bench/scale-out.mts',
];
// Run only when named (`--bench=retention-cost`, `--bench=soak`): each fills a database with a million
// executions or more (and the soak runs for 30 minutes).
const onRequest = ['bench/retention-cost.mts', 'bench/soak.mts'];
// The durable benchmarks need Postgres at 127.0.0.1:5432 (or BENCH_DATABASE_URL) and pgbench.
const peers = ['aws-local-stepfunctions', 'graphile-worker', 'pg-boss', '@dbos-inc/dbos-sdk', 'autocannon'];
const selection = process.argv.slice(2).find((a) => a.startsWith('--bench='))?.slice('--bench='.length).split(',');
const benchmarks = selection ? [...allBenchmarks, ...onRequest].filter((b) => selection.some((name) => b.includes(name))) : allBenchmarks;
const passed = process.argv.slice(2).filter((a) => !a.startsWith('--bench='));

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (peers.some((peer) => !existsSync(`bench/node_modules/${peer}`))) {
  console.log('installing the benchmark peers: npm install --prefix bench');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const status = run(npm, ['install', '--prefix', 'bench', '--no-audit', '--no-fund']);
  if (status !== 0) process.exit(status);
}

// The ASL benchmark runs the compiled engine, as users run it.
if (run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']) !== 0) process.exit(1);

let failed = 0;
for (const benchmark of benchmarks) {
  // --expose-gc lets each measurement start from a collected heap.
  const status = run(process.execPath, ['--expose-gc', '--import', 'tsx', benchmark, ...passed]);
  if (status !== 0) {
    console.error(`${benchmark} failed with exit code ${status}`);
    failed += 1;
  }
}
process.exit(failed === 0 ? 0 : 1);
