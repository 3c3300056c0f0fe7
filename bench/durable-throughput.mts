/**
 * The durable engine against job queues on the same Postgres, in one run:
 *
 * 1. Throughput: work off N already-queued items. Nightshift executions of a one-Task workflow (every
 *    step committed), graphile-worker and pg-boss no-op jobs. Queue N with no worker running, then
 *    start the workers and time from the first handler call until the last item's completion is
 *    committed. Nightshift's "queued" is an execution started: its row written and its first step
 *    done, the Task's invoke job waiting; the start rate is reported too.
 * 2. Latency: start (or enqueue) one item on an idle engine, time until its handler is called;
 *    sequential samples with short random pauses.
 * 3. The database's ceiling: pgbench, one INSERT per transaction.
 *
 * Engines take turns within each round (the first one changes every round) and the table shows
 * medians over rounds, with ratios Nightshift / peer measured in this run.
 *
 *   node --import tsx bench/durable-throughput.mts [--rounds=3] [--items=5000] [--scale=1]
 *     [--latency-samples=500] [--pgboss-latency-samples=20] [--pgbench-seconds=10] [--latency-only]
 *     [--batched-peer-only]
 *
 * `--latency-only` measures latency alone: no throughput round has just loaded the machine and filled
 * the tables (each latency part otherwise follows a throughput part), and pgbench is skipped.
 * `--batched-peer-only` leaves out graphile-worker unbatched and pg-boss from the throughput rounds.
 *
 * About 3 to 4 minutes on 2 cores. Nightshift's starts (~1 200/s here) and the latency samples take
 * most of it; pg-boss's latency is its poll interval, so 20 samples per round show it.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { GraphileBench, graphileLatency, graphileThroughput } from './durable-graphile.mts';
import { NightshiftBench, nightshiftLatency, nightshiftThroughput } from './durable-nightshift.mts';
import { findPgbench, Pgbench, type PgbenchResult } from './durable-pgbench.mts';
import { PgBossBench, pgbossLatency, pgbossThroughput } from './durable-pgboss.mts';
import { machineTicks } from './durable-probes.mts';
import { durabilityReport, printReport, type LatencyRow, type ThroughputRow } from './durable-report.mts';
import { median, percentile, randomPause, serverUrl, serverVersion, type LatencyContestant, type ThroughputContestant } from './durable-support.mts';

// Other benchmarks' options (e.g. --only=order) arrive too through `npm run bench -- ...`: not strict.
const { values } = parseArgs({
  strict: false,
  options: {
    rounds: { type: 'string', default: '3' },
    items: { type: 'string', default: '5000' },
    scale: { type: 'string', default: '1' },
    'latency-samples': { type: 'string', default: '500' },
    'pgboss-latency-samples': { type: 'string', default: '20' },
    'pgbench-seconds': { type: 'string', default: '10' },
    'latency-only': { type: 'boolean', default: false },
    // Throughput against graphile-worker batched only (no unbatched graphile-worker, no pg-boss): a shorter run.
    'batched-peer-only': { type: 'boolean', default: false },
  },
});
const latencyOnly = values['latency-only'] === true;
const scale = Number(values.scale);
const rounds = Number(values.rounds);
const items = Math.max(1, Math.round(Number(values.items) * scale));
const latencySamples = Math.max(5, Math.round(Number(values['latency-samples']) * scale));
const pgbossLatencySamples = Math.max(5, Math.round(Number(values['pgboss-latency-samples']) * scale));
const pgbenchSeconds = Math.max(1, Math.round(Number(values['pgbench-seconds']) * scale));
// 32 is the default; 512 lets a worker keep two large group commits going (in-code handlers answer at once).
const nightshiftConcurrencies = [32, 512];
/** Longest pause between latency samples: 1 to 10 ms, random. */
const pauseMs = 10;

const began = Date.now();
const loadAtStart = loadavg();

try {
  await serverVersion();
} catch (e) {
  console.error(`durable-throughput needs Postgres at ${serverUrl} (set BENCH_DATABASE_URL): ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const nightshift = await NightshiftBench.open({ maxConcurrency: Math.max(...nightshiftConcurrencies) });
const graphile = await GraphileBench.open();
const pgboss = await PgBossBench.open();

const throughputContestants: ThroughputContestant[] = latencyOnly ? [] : [
  ...nightshiftConcurrencies.map((c) => nightshiftThroughput(nightshift, c)),
  graphileThroughput(graphile, 'batched'),
  ...(values['batched-peer-only'] === true ? [] : [graphileThroughput(graphile, 'unbatched'), pgbossThroughput(pgboss)]),
];
const latencyContestants: LatencyContestant[] = [
  nightshiftLatency(nightshift, nightshiftConcurrencies[0], latencySamples, false),
  nightshiftLatency(nightshift, nightshiftConcurrencies[0], latencySamples, true),
  // Its best latency: without the local queue (whose refetch can leave a new job waiting a poll interval).
  graphileLatency(graphile, 'unbatched', latencySamples),
  pgbossLatency(pgboss, pgbossLatencySamples),
];

interface ThroughputRound {
  enqueuePerSecond: number;
  workOffPerSecond: number;
  startupMs: number;
  /** CPU time of this process (engine and driver) per item worked off, µs: start-up and tail included. */
  nodeCpuUs: number;
  /** Share of the machine's CPU in use during the work-off (Postgres, this process, anything else). */
  machineBusy: number;
}

const throughput = new Map<ThroughputContestant, ThroughputRound[]>(throughputContestants.map((c) => [c, []]));
const latency = new Map<LatencyContestant, { p50: number; p99: number }[]>(latencyContestants.map((c) => [c, []]));

/** The list turned by `round` places: a different contestant goes first, and last, in each round. */
const turned = <T,>(list: readonly T[], round: number): T[] => list.map((_, i) => list[(i + round) % list.length]);

async function measureThroughput(contestant: ThroughputContestant): Promise<ThroughputRound> {
  const started = performance.now();
  await contestant.enqueue(items);
  const enqueueMs = performance.now() - started;
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  const workOff = await contestant.workOff(items);
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = machineTicks();
  const machineTotal = machineAfter.total - machineBefore.total;
  return {
    enqueuePerSecond: items / (enqueueMs / 1000),
    workOffPerSecond: items / (workOff.ms / 1000),
    startupMs: workOff.startupMs,
    nodeCpuUs: (cpu.user + cpu.system) / items,
    machineBusy: machineTotal > 0 ? (machineAfter.busy - machineBefore.busy) / machineTotal : 0,
  };
}

async function measureLatency(contestant: LatencyContestant): Promise<{ p50: number; p99: number }> {
  await contestant.start();
  try {
    const delays: number[] = [];
    for (let i = 0; i < contestant.samples; i++) {
      await randomPause(pauseMs);
      delays.push(await contestant.sample());
    }
    return { p50: percentile(delays, 50), p99: percentile(delays, 99) };
  } finally {
    await contestant.stop();
  }
}

const log = (line: string): void => console.error(line);

try {
  for (let round = 0; round < rounds; round++) {
    if (throughputContestants.length > 0) log(`round ${round + 1} of ${rounds}: throughput (${items.toLocaleString('en-US')} items each)`);
    for (const contestant of turned(throughputContestants, round)) {
      const result = await measureThroughput(contestant);
      throughput.get(contestant)!.push(result);
      log(
        `  ${contestant.label}: queued ${Math.round(result.enqueuePerSecond)}/s, worked off ${Math.round(result.workOffPerSecond)}/s ` +
          `(node ${Math.round(result.nodeCpuUs)} µs CPU per item, machine ${Math.round(result.machineBusy * 100)}% busy)`,
      );
    }
    log(`round ${round + 1} of ${rounds}: latency`);
    for (const contestant of turned(latencyContestants, round)) {
      const result = await measureLatency(contestant);
      latency.get(contestant)!.push(result);
      log(`  ${contestant.label} (${contestant.path}): p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
    }
  }
} finally {
  await nightshift.close();
  await graphile.close();
  await pgboss.close();
}

const pgbenchResults: PgbenchResult[] = [];
const pgbenchBinary = findPgbench();
if (latencyOnly) log('latency only: pgbench skipped');
else if (pgbenchBinary) {
  log(`pgbench: ${pgbenchSeconds} s per client count`);
  const pgbench = await Pgbench.open(pgbenchBinary);
  try {
    for (const clients of [1, 4, 16]) pgbenchResults.push(await pgbench.measure(clients, pgbenchSeconds));
  } finally {
    await pgbench.close();
  }
} else {
  log('pgbench not found (apt-get install postgresql-contrib, or the server package\'s bin folder): skipped');
}

const throughputRows: ThroughputRow[] = throughputContestants.map((c) => {
  const results = throughput.get(c)!;
  return {
    label: c.label,
    nightshift: c.label.startsWith('nightshift'),
    enqueuePerSecond: median(results.map((r) => r.enqueuePerSecond)),
    workOffPerSecond: median(results.map((r) => r.workOffPerSecond)),
    rounds: results.map((r) => r.workOffPerSecond),
    startupMs: median(results.map((r) => r.startupMs)),
    nodeCpuUs: median(results.map((r) => r.nodeCpuUs)),
    machineBusy: median(results.map((r) => r.machineBusy)),
  };
});
const latencyRows: LatencyRow[] = latencyContestants.map((c) => {
  const results = latency.get(c)!;
  return {
    label: c.label,
    path: c.path,
    nightshift: c.label.startsWith('nightshift'),
    samples: c.samples,
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
  };
});

printReport(
  await durabilityReport({ items: latencyOnly ? 0 : items, rounds, loadAtStart, loadAtEnd: loadavg(), seconds: (Date.now() - began) / 1000 }),
  throughputRows,
  latencyRows,
  pgbenchResults,
);
