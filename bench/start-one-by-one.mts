/**
 * Executions started one by one while the worker runs (issue 14, target 2): `--callers` (32) concurrent
 * callers each start an execution and start the next as soon as the start call returns, until
 * `--executions` (3 000) are started, with a worker in the same process. Measured: completions per
 * second from the first start to the last committed completion, and each execution's start →
 * completion time (p50, p99). Workflows of 1 and of 3 in-code Task steps.
 *
 * Peers in the same run, engines taking turns (a different one first each round):
 * - graphile-worker, batched (its docs' performance settings) and unbatched: one job per execution; for
 *   3 steps a job per step, each handler adding the next (a chain);
 * - DBOS Transact: a workflow of 1 or 3 steps, `DBOS.startWorkflow` in the same process.
 *
 * "Committed completion" is seen the same way for every engine: a probe on its own connection asks every
 * `--poll-ms` (2) which started items are not finished (Nightshift: executions RUNNING; graphile-worker:
 * chains with a job left; DBOS: workflows PENDING) and stamps the others done when its answer arrives.
 * So a completion is stamped at most one poll interval plus one query late, alike for all.
 *
 *   node --import tsx bench/start-one-by-one.mts [--executions=3000] [--callers=32] [--rounds=3]
 *     [--scale=1] [--steps=1,3] [--poll-ms=2]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { DbosBench } from './durable-dbos.mts';
import { GraphileBench, type GraphileConfiguration } from './durable-graphile.mts';
import { NightshiftBench } from './durable-nightshift.mts';
import { median, serverUrl, serverVersion } from './durable-support.mts';
import { measureOneByOne, nightshiftContestant, type Contestant, type RoundResult } from './one-by-one.mts';
import { durabilityReport } from './durable-report.mts';
import { formatRate, formatRatio, markdownTable } from './report.mts';
import { nightshiftBuild } from './durable-modules.mts';

const { values } = parseArgs({
  strict: false,
  options: {
    executions: { type: 'string', default: '3000' },
    callers: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    scale: { type: 'string', default: '1' },
    steps: { type: 'string', default: '1,3' },
    'poll-ms': { type: 'string', default: '2' },
  },
});
const scale = Number(values.scale);
const executions = Math.max(50, Math.round(Number(values.executions) * scale));
const callers = Number(values.callers);
const rounds = Number(values.rounds);
const pollMs = Number(values['poll-ms']);
const stepCounts = String(values.steps).split(',').map(Number).filter((n): n is 1 | 3 => n === 1 || n === 3);

function graphileContestant(bench: GraphileBench, configuration: GraphileConfiguration, steps: 1 | 3): Contestant {
  let runner: Awaited<ReturnType<GraphileBench['startChainRunner']>> | null = null;
  return {
    label: `graphile-worker, ${configuration}`,
    steps,
    async begin() {
      runner = await bench.startChainRunner(configuration);
    },
    async start(i) {
      await bench.startChain(i, steps);
      return String(i);
    },
    unfinished: () => bench.unfinishedChains(),
    async end() {
      await runner?.stop();
      runner = null;
    },
  };
}

function dbosContestant(bench: DbosBench, steps: 1 | 3, round: () => number): Contestant {
  return {
    label: 'DBOS Transact',
    steps,
    async begin() {},
    // Workflow ids are DBOS's own (UUIDs); the input only needs to differ.
    start: (i) => bench.start(round() * 1_000_000 + i, steps),
    unfinished: () => bench.unfinished(),
    async end() {},
  };
}

const log = (line: string): void => console.error(line);

try {
  await serverVersion();
} catch (e) {
  console.error(`start-one-by-one needs Postgres at ${serverUrl} (set BENCH_DATABASE_URL): ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const began = Date.now();
const loadAtStart = loadavg();
const nightshift = await NightshiftBench.open({ maxConcurrency: 32 });
const nightshiftProbe = nightshift.openPool(1);
const graphile = await GraphileBench.open();
const dbos = await DbosBench.open();
let currentRound = 0;

const contestants: Contestant[] = stepCounts.flatMap((steps) => [
  nightshiftContestant(nightshift, nightshiftProbe, steps),
  graphileContestant(graphile, 'batched', steps),
  graphileContestant(graphile, 'unbatched', steps),
  dbosContestant(dbos, steps, () => currentRound),
]);
const results = new Map<Contestant, RoundResult[]>(contestants.map((c) => [c, []]));

try {
  for (let round = 0; round < rounds; round++) {
    currentRound = round;
    for (const steps of stepCounts) {
      const group = contestants.filter((c) => c.steps === steps);
      log(`round ${round + 1} of ${rounds}: ${steps} step${steps === 1 ? '' : 's'}, ${executions} executions, ${callers} callers`);
      for (let k = 0; k < group.length; k++) {
        const contestant = group[(k + round) % group.length];
        const result = await measureOneByOne(contestant, { executions, callers, pollMs });
        results.get(contestant)!.push(result);
        log(
          `  ${contestant.label}: ${Math.round(result.perSecond)}/s, start→completion p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms ` +
            `(start call p50 ${result.startCallP50.toFixed(1)} ms, p99 ${result.startCallP99.toFixed(1)} ms)`,
        );
      }
    }
  }
} finally {
  await nightshiftProbe.end();
  await nightshift.close();
  await graphile.close();
  await dbos.close();
}

const facts = await durabilityReport({ items: executions, rounds, loadAtStart, loadAtEnd: loadavg(), seconds: (Date.now() - began) / 1000 });
console.log(facts.join('\n'));
console.log(`DBOS Transact ${await dbosVersion()}; nightshift ${nightshiftBuild}; ${callers} callers, probe every ${pollMs} ms\n`);
for (const steps of stepCounts) {
  const group = contestants.filter((c) => c.steps === steps);
  const summary = group.map((c) => {
    const r = results.get(c)!;
    return { c, rate: median(r.map((x) => x.perSecond)), rounds: r.map((x) => x.perSecond), p50: median(r.map((x) => x.p50)), p99: median(r.map((x) => x.p99)), call99: median(r.map((x) => x.startCallP99)) };
  });
  const ours = summary.find((s) => s.c.label === 'nightshift')!;
  const rows = summary.map((s) => [
    s.c.label,
    formatRate(s.rate),
    s.rounds.map(formatRate).join(', '),
    s.p50.toFixed(1),
    s.p99.toFixed(1),
    s.call99.toFixed(1),
    s === ours ? '' : formatRatio(ours.rate / s.rate),
  ]);
  console.log(`### ${steps} Task step${steps === 1 ? '' : 's'} per execution: ${executions.toLocaleString('en-US')} started one by one by ${callers} callers\n`);
  console.log(markdownTable(
    ['engine', 'completions / s', 'per round', 'start→done p50 ms', 'p99 ms', 'start call p99 ms', 'nightshift / this'],
    rows,
    [false, true, false, true, true, true, true],
  ));
  console.log('');
}

async function dbosVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const manifest = await readFile(new URL('node_modules/@dbos-inc/dbos-sdk/package.json', import.meta.url), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}
