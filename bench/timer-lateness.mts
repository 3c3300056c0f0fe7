/**
 * Timers on time (issue 14, target 4): N items due evenly within one second, the worker already
 * running and idle; lateness = when the item started minus when it was due. N = 10 000 and 1 000.
 *
 * - nightshift, scheduled runs: one list of N runs (`scheduleList`, interval 1/N s); lateness is the
 *   execution's `started_at` (stamped by the start, before its commit) minus the run's `due_at`.
 * - nightshift, sleeping Waits: N executions of `Wait (TimestampPath: $.due) → Task`, started
 *   beforehand; lateness is when the Task's handler is called minus `$.due`.
 * - graphile-worker: jobs added in bulk with `runAt`; its batched settings with a 100 ms poll (it
 *   polls for future jobs; the 2 s default would make it ~1 s late on average); lateness is when the
 *   handler is called minus `runAt`.
 * - pg-boss: jobs inserted in bulk with `startAfter`; 2 workers × `batchSize` 50, polling every 0.5 s
 *   (its minimum); lateness is when the batch handler is called minus `startAfter`.
 *
 * Every engine in the same run, taking turns; the first due time is `--lead-ms` (3 000) after the
 * items are stored, plus the time a warm-up says the starts will take for the Waits.
 *
 *   node --import tsx bench/timer-lateness.mts [--sizes=10000,1000] [--rounds=1] [--scale=1] [--lead-ms=3000]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { GraphileBench } from './durable-graphile.mts';
import { scheduleList, startExecution, type DurableRuntime, type ServiceDeps } from './durable-modules.mts';
import { NightshiftBench, waitWorkflowName, workflowName } from './durable-nightshift.mts';
import { PgBossBench } from './durable-pgboss.mts';
import { inBatches, inParallel, median, percentile, sleep } from './durable-support.mts';
import { durabilityReport } from './durable-report.mts';
import { markdownTable } from './report.mts';

const { values } = parseArgs({
  strict: false,
  options: {
    sizes: { type: 'string', default: '10000,1000' },
    rounds: { type: 'string', default: '1' },
    scale: { type: 'string', default: '1' },
    'lead-ms': { type: 'string', default: '3000' },
    only: { type: 'string' },
  },
});
const scale = Number(values.scale);
const sizes = String(values.sizes).split(',').map((n) => Math.max(20, Math.round(Number(n) * scale)));
const rounds = Number(values.rounds);
const leadMs = Number(values['lead-ms']);

interface Lateness {
  late: number[];
  /** Something a reader should know (e.g. the starts ran past the first due time). */
  note: string;
}

interface Contestant {
  label: string;
  run(n: number): Promise<Lateness>;
}

async function until(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs} ms`);
    await sleep(20);
  }
}

function nightshiftScheduled(bench: NightshiftBench): Contestant {
  return {
    label: 'nightshift, scheduled runs (one list)',
    async run(n) {
      const { runtime, deps } = bench.runtime(32, bench.pool, true);
      await runtime.start();
      try {
        await bench.pool.unsafe('vacuum analyze nightshift.scheduled_runs, nightshift.jobs, nightshift.executions');
        const startAt = new Date(Date.now() + leadMs);
        const stored = performance.now();
        await scheduleList(deps, { workflow: workflowName, items: Array.from({ length: n }, (_, i) => ({ i })), startAt, intervalSeconds: 1 / n });
        const note = `stored in ${Math.round(performance.now() - stored)} ms`;
        // A count while the runs start (cheap beside them); their lateness once all have started.
        const started = `select count(*)::int as n from nightshift.scheduled_runs where due_at >= $1 and status = 'STARTED'`;
        await until(async () => (await bench.pool.unsafe<{ n: number }[]>(started, [startAt]))[0].n >= n, 'scheduled runs');
        const late = await bench.scheduledLateness(startAt);
        await until(async () => (await bench.running()) === 0, 'scheduled executions ending');
        return { late, note };
      } finally {
        await runtime.stop(5_000);
      }
    },
  };
}

function nightshiftWaits(bench: NightshiftBench): Contestant {
  return {
    label: 'nightshift, sleeping Waits',
    async run(n) {
      const { runtime, deps } = bench.runtime(32, bench.pool, true);
      await runtime.start();
      try {
        // A warm-up that also says how long n starts will take, so every Wait is stored before it is due.
        const warm = Math.min(200, n);
        const t = performance.now();
        await startWaits(deps, warm, () => new Date());
        const msPerStart = (performance.now() - t) / warm;
        await until(() => bench.lateness.length >= warm, 'warm-up Waits');
        bench.lateness.length = 0;
        const first = Date.now() + leadMs + Math.ceil(msPerStart * n * 1.5);
        const startedAt = performance.now();
        await startWaits(deps, n, (i) => new Date(first + (i * 1000) / n));
        const startMs = performance.now() - startedAt;
        const overran = Date.now() > first ? `the starts ran ${Date.now() - first} ms past the first due time; ` : '';
        await until(() => bench.lateness.length >= n, 'Waits');
        await until(async () => (await bench.running()) === 0, 'Wait executions ending');
        if (process.env.BENCH_TRACE) console.error(`    lateness in call order: ${bench.lateness.filter((_, k) => k % Math.ceil(n / 20) === 0).map(Math.round).join(' ')}`);
        return { late: [...bench.lateness], note: `${overran}started in ${Math.round(startMs)} ms` };
      } finally {
        await runtime.stop(5_000);
        bench.lateness.length = 0;
      }
    },
  };
}

function startWaits(deps: ServiceDeps, n: number, due: (i: number) => Date): Promise<void> {
  return inParallel(n, 32, (i) => startExecution(deps, { workflow: waitWorkflowName, input: { due: due(i).toISOString() } }));
}

function graphileTimers(bench: GraphileBench): Contestant {
  return {
    label: 'graphile-worker, batched, 100 ms poll',
    async run(n) {
      const late: number[] = [];
      const runner = await bench.startRunnerWith('timers', { timer: async (payload) => void late.push(Date.now() - (payload as { due: number }).due) });
      try {
        const first = Date.now() + leadMs;
        await inBatches(n, (indexes) => bench.workerUtils.addJobs(indexes.map((i) => {
          const due = first + (i * 1000) / n;
          return { identifier: 'timer', payload: { due }, runAt: new Date(due) };
        })));
        await until(() => late.length >= n, 'graphile-worker timers');
        await until(async () => (await bench.remaining()) === 0, 'graphile-worker completions');
        return { late, note: '' };
      } finally {
        await runner.stop();
      }
    },
  };
}

function pgbossTimers(bench: PgBossBench): Contestant {
  return {
    label: 'pg-boss, 2 workers × batchSize 50, 0.5 s poll',
    async run(n) {
      const late: number[] = [];
      const boss = bench.pgboss;
      await boss.createQueue('timer');
      const ids: string[] = [];
      for (let w = 0; w < 2; w++) {
        let id = '';
        id = await boss.work<{ due: number }>('timer', { batchSize: 50, pollingIntervalSeconds: 0.5 }, async (jobs) => {
          const now = Date.now();
          for (const job of jobs) late.push(now - job.data.due);
          if (jobs.length === 50) boss.notifyWorker(id);
        });
        ids.push(id);
      }
      try {
        const first = Date.now() + leadMs;
        await inBatches(n, (indexes) => boss.insert(indexes.map((i) => {
          const due = first + (i * 1000) / n;
          return { name: 'timer', data: { due }, startAfter: new Date(due) };
        })));
        await until(() => late.length >= n, 'pg-boss timers');
        return { late, note: '' };
      } finally {
        await boss.offWork('timer');
        await sleep(100);
      }
    },
  };
}

const log = (line: string): void => console.error(line);
const began = Date.now();
const loadAtStart = loadavg();
const nightshift = await NightshiftBench.open({ maxConcurrency: 32 });
const graphile = await GraphileBench.open();
const pgboss = await PgBossBench.open();
const contestants = [nightshiftScheduled(nightshift), nightshiftWaits(nightshift), graphileTimers(graphile), pgbossTimers(pgboss)]
  .filter((c) => values.only === undefined || c.label.includes(String(values.only)));
const results = new Map<string, { late: number[]; notes: string[] }[]>();

try {
  for (let round = 0; round < rounds; round++) {
    for (const n of sizes) {
      log(`round ${round + 1} of ${rounds}: ${n} due within 1 s`);
      for (let k = 0; k < contestants.length; k++) {
        const contestant = contestants[(k + round) % contestants.length];
        const result = await contestant.run(n);
        const key = `${n}|${contestant.label}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key)!.push({ late: result.late, notes: result.note ? [result.note] : [] });
        log(`  ${contestant.label}: ${result.late.length} started, p50 ${percentile(result.late, 50).toFixed(1)} ms, p99 ${percentile(result.late, 99).toFixed(1)} ms${result.note ? ` (${result.note})` : ''}`);
        await sleep(500);
      }
    }
  }
} finally {
  await nightshift.close();
  await graphile.close();
  await pgboss.close();
}

const facts = await durabilityReport({ items: 0, rounds, loadAtStart, loadAtEnd: loadavg(), seconds: (Date.now() - began) / 1000 });
console.log(facts.filter((line) => !line.includes('medians over rounds')).join('\n'));
console.log(`${rounds} round(s); figures are medians over rounds of each round's percentile\n`);
for (const n of sizes) {
  console.log(`### ${n.toLocaleString('en-US')} due evenly within one second\n`);
  const rows = contestants.map((c) => {
    const runs = results.get(`${n}|${c.label}`) ?? [];
    const p = (q: number) => median(runs.map((r) => percentile(r.late, q)));
    return [c.label, p(50).toFixed(1), p(90).toFixed(1), p(99).toFixed(1), median(runs.map((r) => Math.max(...r.late))).toFixed(1), runs.flatMap((r) => r.notes).join('; ')];
  });
  console.log(markdownTable(['engine', 'lateness p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'notes'], rows, [false, true, true, true, true, false]));
  console.log('');
}
