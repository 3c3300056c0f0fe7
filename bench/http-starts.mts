/**
 * Starts over HTTP (issue 14, target 3): `nightshift serve` in a child process (API and workers in that
 * process, default settings: concurrency 32, a pool of 20), answering
 * `POST /v1/workflows/bench-noop/executions` with an API key (scope `start:bench-noop`, checked on every
 * request) from autocannon, `--connections` (64) for `--seconds` (30, times `--scale`). The workflow is
 * one Task calling an in-code handler. Reported: starts/s, answer time p50/p99, errors (anything but a
 * 2xx answer, or no answer), and how long the backlog took to drain after the load stopped.
 *
 * Beside it, in the same run, the in-process figure: the same number of callers, each calling
 * `startExecution` and starting the next when it returns, for the same time, with the worker in this
 * process (what `start-one-by-one.mts` measures, at this concurrency). The difference is what HTTP, the
 * key check and the extra process cost. autocannon runs in this process: it shares the 2 cores too; the
 * CPU each side spent per start during the load (from /proc) says how much.
 *
 *   node --import tsx bench/http-starts.mts [--connections=64] [--seconds=30] [--scale=1]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { connect, startExecution } from './durable-modules.mts';
import { NightshiftBench, workflowName } from './durable-nightshift.mts';
import { createDatabase, dropDatabase, percentile, sleep } from './durable-support.mts';
import { durabilityReport } from './durable-report.mts';
import { formatRate, markdownTable } from './report.mts';
import { cannon, drain, makeProject, prepareDatabase, removeProject, startChild, type LoadResult } from './serve-process.mts';
import { cpuSnapshot, processTicks } from './durable-probes.mts';

/** CPU seconds spent during the measured load: the Nightshift process, the load generator (autocannon, or nothing in process), Postgres's backends. */
interface LoadCpu {
  nightshift: number;
  generator: number | null;
  postgres: number | null;
  machineBusy: number;
}

const { values } = parseArgs({
  strict: false,
  options: {
    connections: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '30' },
    scale: { type: 'string', default: '1' },
  },
});
const connections = Number(values.connections);
const seconds = Math.max(2, Math.round(Number(values.seconds) * Number(values.scale)));

async function overHttp(): Promise<LoadResult & { drainMs: number; cpu: LoadCpu }> {
  const database = `bench_http_${process.pid}`;
  const url = await createDatabase(database);
  const project = makeProject();
  const probe = connect(url, { max: 1, applicationName: 'http-bench-probe' });
  try {
    const key = await prepareDatabase(project, url);
    const server = await startChild('serve', project, url);
    try {
      await cannon(server.url, key, connections, 2); // warm-up: JIT, pool, caches
      await drain(probe);
      const before = await cpuSnapshot(probe);
      const serveBefore = processTicks(server.process.pid!);
      const result = await cannon(server.url, key, connections, seconds);
      const used = (await cpuSnapshot(probe)).since(before);
      // /proc's ticks are 1/100 s.
      const cpu = { nightshift: (processTicks(server.process.pid!) - serveBefore) / 100, generator: used.node, postgres: used.postgres, machineBusy: used.machineBusy };
      return { ...result, cpu, drainMs: await drain(probe) };
    } finally {
      const code = await server.stop();
      if (code !== 0) console.error(`nightshift serve exited with ${code}`);
    }
  } finally {
    await probe.end();
    removeProject(project);
    await dropDatabase(database);
  }
}

async function inProcess(): Promise<LoadResult & { drainMs: number; cpu: LoadCpu }> {
  const bench = await NightshiftBench.open({ maxConcurrency: 32 });
  const probe = bench.openPool(1);
  const { runtime, deps } = bench.runtime(32);
  await runtime.start();
  try {
    const calls: number[] = [];
    const run = async (ms: number, record: boolean): Promise<number> => {
      const until = performance.now() + ms;
      let started = 0;
      await Promise.all(Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          await startExecution(deps, { workflow: workflowName, input: { order: 42 } });
          if (record) calls.push(performance.now() - t);
          started += 1;
        }
      }));
      return started;
    };
    await run(2_000, false);
    await drain(probe);
    const before = await cpuSnapshot(probe);
    const t = performance.now();
    const started = await run(seconds * 1000, true);
    const elapsed = (performance.now() - t) / 1000;
    const used = (await cpuSnapshot(probe)).since(before);
    const cpu = { nightshift: used.node, generator: null, postgres: used.postgres, machineBusy: used.machineBusy };
    return { perSecond: started / elapsed, p50: percentile(calls, 50), p99: percentile(calls, 99), requests: started, errors: 0, cpu, drainMs: await drain(probe) };
  } finally {
    await runtime.stop(5_000);
    await probe.end();
    await bench.close();
  }
}

const began = Date.now();
const loadAtStart = loadavg();
console.error(`over HTTP: nightshift serve, autocannon ${connections} connections, ${seconds} s`);
const http = await overHttp();
console.error(`  ${Math.round(http.perSecond)} starts/s, p99 ${http.p99} ms, errors ${http.errors}, drained in ${Math.round(http.drainMs)} ms`);
await sleep(1_000);
console.error(`in process: ${connections} callers, ${seconds} s`);
const local = await inProcess();
console.error(`  ${Math.round(local.perSecond)} starts/s, p99 ${local.p99.toFixed(1)} ms, drained in ${Math.round(local.drainMs)} ms`);

const facts = await durabilityReport({ items: 0, rounds: 1, loadAtStart, loadAtEnd: loadavg(), seconds: (Date.now() - began) / 1000 });
console.log(facts.filter((line) => !line.includes('rounds')).join('\n'));
console.log(`\n### Starts of a one-Task workflow: ${connections} callers for ${seconds} s, workers in the same process\n`);
console.log(markdownTable(
  ['path', 'starts / s', 'answer p50 ms', 'answer p99 ms', 'errors', 'backlog drained after', 'HTTP / in-process'],
  [
    ['HTTP: nightshift serve + autocannon', formatRate(http.perSecond), String(http.p50), String(http.p99), `${http.errors} of ${http.requests}`, `${(http.drainMs / 1000).toFixed(1)} s`, `${(http.perSecond / local.perSecond).toFixed(2)}×`],
    ['in process: startExecution', formatRate(local.perSecond), local.p50.toFixed(1), local.p99.toFixed(1), '0', `${(local.drainMs / 1000).toFixed(1)} s`, ''],
  ],
  [false, true, true, true, true, true, true],
));
const perStart = (seconds_: number | null, starts: number) => (seconds_ === null ? '—' : `${Math.round((seconds_ / starts) * 1e6)} µs`);
const httpStarts = http.perSecond * seconds;
const localStarts = local.perSecond * seconds;
console.log(`\n### CPU per start during the load (Nightshift's process, the load generator, Postgres's backends)\n`);
console.log(markdownTable(
  ['path', 'nightshift process', 'load generator', 'postgres', 'machine busy'],
  [
    ['HTTP: nightshift serve + autocannon', perStart(http.cpu.nightshift, httpStarts), perStart(http.cpu.generator, httpStarts), perStart(http.cpu.postgres, httpStarts), `${Math.round(http.cpu.machineBusy * 100)}%`],
    ['in process: startExecution', perStart(local.cpu.nightshift, localStarts), perStart(local.cpu.generator, localStarts), perStart(local.cpu.postgres, localStarts), `${Math.round(local.cpu.machineBusy * 100)}%`],
  ],
  [false, true, true, true, true],
));
if (http.errors > 0) process.exitCode = 1;
