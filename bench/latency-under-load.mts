/**
 * Latency under load (issue 14, target 5): start → handler time of single executions while the engine
 * also works through a steady stream of others at about half of what it can take.
 *
 * For each engine, in the same run:
 * 1. Capacity: `--callers` (32) callers start one-Task executions (graphile-worker: add no-op jobs) one
 *    by one for `--capacity-seconds` (5) with the worker in the process; items over the time until the
 *    last has finished is its capacity on this path.
 * 2. Load: starts arrive open-loop at half that rate (every 5 ms, as many as are due; at most 64 in
 *    flight, and the arrivals a full pipe could not make are counted as missed) while a probe starts
 *    one marked execution at a time, waits for its handler, pauses 1–10 ms, and starts the next, for
 *    `--seconds` (20). Reported: the probe's p50/p99, the load actually carried, and the same probe on
 *    the idle engine just before.
 *
 * Peer: graphile-worker with its settings for latency (nothing batched: its local queue can leave a new
 * job waiting for a refetch), jobs added from its WorkerUtils pool.
 *
 *   node --import tsx bench/latency-under-load.mts [--seconds=20] [--capacity-seconds=5] [--callers=32] [--scale=1]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { GraphileBench } from './durable-graphile.mts';
import { startExecution } from './durable-modules.mts';
import { NightshiftBench, workflowName } from './durable-nightshift.mts';
import { percentile, randomPause, waitUntilNone, within } from './durable-support.mts';
import { OpenLoop } from './open-loop.mts';
import { durabilityReport } from './durable-report.mts';
import { formatRate, markdownTable } from './report.mts';

const { values } = parseArgs({
  strict: false,
  options: {
    seconds: { type: 'string', default: '20' },
    'capacity-seconds': { type: 'string', default: '5' },
    callers: { type: 'string', default: '32' },
    scale: { type: 'string', default: '1' },
  },
});
const scale = Number(values.scale);
const seconds = Math.max(2, Number(values.seconds) * scale);
const capacitySeconds = Math.max(1, Number(values['capacity-seconds']) * scale);
const callers = Number(values.callers);
const maxInFlight = 64;

/** One engine with its worker running: start a load item, start a probe and wait for its handler. */
interface Engine {
  label: string;
  begin(): Promise<void>;
  load(i: number): Promise<unknown>;
  /** Starts a probe item; answers ms until its handler was called. */
  probe(n: number): Promise<number>;
  /** Items not finished yet. */
  unfinished(): Promise<number>;
  end(): Promise<void>;
}

interface Figures {
  capacity: number;
  carried: number;
  missed: number;
  idle: { p50: number; p99: number };
  loaded: { p50: number; p99: number; samples: number };
}

async function capacity(engine: Engine): Promise<number> {
  let started = 0;
  const until = performance.now() + capacitySeconds * 1000;
  const t = performance.now();
  await Promise.all(Array.from({ length: callers }, async () => {
    while (performance.now() < until) {
      await engine.load(started);
      started += 1;
    }
  }));
  // Sustained: until the last of them has finished, so a worker that fell behind counts as slower.
  await waitUntilNone(() => engine.unfinished(), 300_000, 20);
  return started / ((performance.now() - t) / 1000);
}

async function probeFor(engine: Engine, ms: number, from: number): Promise<number[]> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  for (let n = from; performance.now() < until; n++) {
    samples.push(await engine.probe(n));
    await randomPause(10);
  }
  return samples;
}

async function measure(engine: Engine): Promise<Figures> {
  await engine.begin();
  try {
    const rate = await capacity(engine);
    const idle = await probeFor(engine, Math.min(5_000, seconds * 1000), 0);
    const load = new OpenLoop(rate / 2, maxInFlight, (i) => engine.load(i));
    const loaded = await probeFor(engine, seconds * 1000, 1_000_000);
    const elapsed = load.seconds;
    await load.stop();
    if (load.failed > 0) throw new Error(`${load.failed} load starts failed`, { cause: load.failures[0] });
    await waitUntilNone(() => engine.unfinished(), 300_000, 20);
    return {
      capacity: rate,
      carried: load.arrived / elapsed,
      missed: load.missed,
      idle: { p50: percentile(idle, 50), p99: percentile(idle, 99) },
      loaded: { p50: percentile(loaded, 50), p99: percentile(loaded, 99), samples: loaded.length },
    };
  } finally {
    await engine.end();
  }
}

function nightshiftEngine(bench: NightshiftBench): Engine {
  let parts: ReturnType<NightshiftBench['runtime']> | null = null;
  return {
    label: 'nightshift (starts in the worker process)',
    async begin() {
      parts = bench.runtime(32);
      await parts.runtime.start();
    },
    load: (i) => startExecution(parts!.deps, { workflow: workflowName, input: { i } }),
    async probe(n) {
      const called = new Promise<number>((resolve) => bench.probes.set(n, () => resolve(performance.now())));
      const t = performance.now();
      await startExecution(parts!.deps, { workflow: workflowName, input: { probe: n } });
      const at = await within(called, 30_000, 'nightshift calling the probe handler');
      bench.probes.delete(n);
      return at - t;
    },
    unfinished: () => bench.running(),
    async end() {
      await parts?.runtime.stop(5_000);
      parts = null;
    },
  };
}

function graphileEngine(bench: GraphileBench): Engine {
  let runner: Awaited<ReturnType<GraphileBench['startRunnerWith']>> | null = null;
  const probes = new Map<number, () => void>();
  return {
    label: 'graphile-worker, nothing batched',
    async begin() {
      runner = await bench.startRunnerWith('unbatched', {
        noop: async () => {},
        probe: async (payload) => probes.get((payload as { n: number }).n)?.(),
      });
    },
    load: (i) => bench.workerUtils.addJob('noop', { i }),
    async probe(n) {
      const called = new Promise<number>((resolve) => probes.set(n, () => resolve(performance.now())));
      const t = performance.now();
      await bench.workerUtils.addJob('probe', { n });
      const at = await within(called, 30_000, 'graphile-worker calling the probe handler');
      probes.delete(n);
      return at - t;
    },
    unfinished: () => bench.remaining(),
    async end() {
      await runner?.stop();
      runner = null;
    },
  };
}

const log = (line: string): void => console.error(line);
const began = Date.now();
const loadAtStart = loadavg();
const nightshift = await NightshiftBench.open({ maxConcurrency: 32 });
const graphile = await GraphileBench.open();
const engines = [nightshiftEngine(nightshift), graphileEngine(graphile)];
const figures = new Map<Engine, Figures>();
try {
  for (const engine of engines) {
    log(`${engine.label}: capacity for ${capacitySeconds} s, idle probe, then ${seconds} s at half capacity`);
    const f = await measure(engine);
    figures.set(engine, f);
    log(`  capacity ${Math.round(f.capacity)}/s, carried ${Math.round(f.carried)}/s (missed ${f.missed}); idle p99 ${f.idle.p99.toFixed(1)} ms; loaded p50 ${f.loaded.p50.toFixed(1)} ms, p99 ${f.loaded.p99.toFixed(1)} ms (${f.loaded.samples} samples)`);
  }
} finally {
  await nightshift.close();
  await graphile.close();
}

const facts = await durabilityReport({ items: 0, rounds: 1, loadAtStart, loadAtEnd: loadavg(), seconds: (Date.now() - began) / 1000 });
console.log(facts.filter((line) => !line.includes('medians over rounds')).join('\n'));
console.log(`\n### Start → handler while carrying half of capacity (${seconds} s; ${callers} callers measure capacity)\n`);
const ours = figures.get(engines[0])!;
console.log(markdownTable(
  ['engine', 'capacity / s', 'load carried / s', 'missed arrivals', 'idle p50 / p99 ms', 'loaded p50 ms', 'loaded p99 ms', 'samples', 'p99: this / nightshift'],
  engines.map((e) => {
    const f = figures.get(e)!;
    return [e.label, formatRate(f.capacity), formatRate(f.carried), String(f.missed), `${f.idle.p50.toFixed(1)} / ${f.idle.p99.toFixed(1)}`,
      f.loaded.p50.toFixed(1), f.loaded.p99.toFixed(1), String(f.loaded.samples), f === ours ? '' : `${(f.loaded.p99 / ours.loaded.p99).toFixed(2)}×`];
  }),
  [false, true, true, true, true, true, true, true, true],
));
