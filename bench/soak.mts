/**
 * Flat memory and steady speed with history (issue 14, target 6): work-off and start rates on a database
 * holding many stored executions and many pending scheduled runs, against an empty one in the same run,
 * then a long soak at half the loaded database's start capacity watching this process's memory.
 *
 * 1. Two databases, migrated: one left empty; one loaded with `--stored` (1 000 000) finished one-Task
 *    executions over the last 30 days (`retention-load.mts`: copies of one the engine ran, in bulk, the
 *    secondary indexes built after the load) and `--pending` (1 000 000) scheduled runs of the one-Task
 *    workflow due evenly over 30 days from one day ahead (so none comes due during the run), stored by
 *    the engine's own `scheduleList` in lists of 100 000 (limits.maxListItems): each a
 *    `scheduled_runs` row and its `scheduled-start` job, as the engine writes them. Then VACUUM ANALYZE
 *    of both databases and a checkpoint.
 * 2. Rounds (`--rounds`, 3), the databases taking turns (the first changing every round), after one
 *    uncounted work-off on each (it warms the code and pays the full-page writes after the checkpoint):
 *    (a) the durable work-off of `--items` (10 000) queued one-Task executions at concurrency 32
 *    (`durable-nightshift.mts`); (b) `--items` executions started one by one by 32 callers, worker in
 *    the same process, start → committed completion (`one-by-one.mts`). Printed: loaded / empty for
 *    each (target ≥ 0.8).
 * 3. Soak on the loaded database (`soak-run.mts`): `--soak-minutes` (30) of open-loop starts at half
 *    the loaded database's start rate (median of the rounds), worker in the same process; every 10 s
 *    this process's RSS and heap used (after a collection when run with --expose-gc), the arrivals and
 *    handler calls since the last sample, the executions still running and the database's size; a table
 *    per minute; RSS and heap after the warm-up (the first 2 minutes, or a fifth of a shorter soak)
 *    against the end and their band over the rest (target ±10%); completions per minute against the
 *    rate carried; the backlog when the arrivals stop; the database's growth (no retention runs).
 *
 *   node --expose-gc --import tsx bench/soak.mts [--stored=1000000] [--pending=1000000] [--items=10000]
 *     [--rounds=3] [--soak-minutes=30] [--scale=1] [--chunk=100000] [--min-free-gb=10]
 *
 * `--scale` multiplies the stored and pending counts, the items and the soak's minutes. Both databases
 * are dropped at the end (on a failure or Ctrl-C too). The full run needs ~12 GB of disk at peak (stored
 * ~2.6 KB per execution, pending ~1 KB per run, the soak's executions ~4.3 KB each: at 750/s, 1.35 M of
 * them) and ~45–60 minutes on 2 cores; the load stops when the database's disk has less than
 * `--min-free-gb` free.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { scheduleList } from './durable-modules.mts';
import { NightshiftBench, workflowName } from './durable-nightshift.mts';
import { durabilityReport } from './durable-report.mts';
import { dropDatabase, median, serverUrl, serverVersion } from './durable-support.mts';
import { measureOneByOne, nightshiftContestant } from './one-by-one.mts';
import { formatRate, formatRatio, load1, logTimed, markdownTable } from './report.mts';
import { day, loadStoredCopies, storedWindow } from './retention-load.mts';
import { databaseBytes, soak, soakSummary, soakTable } from './soak-run.mts';

const { values } = parseArgs({
  strict: false,
  options: {
    stored: { type: 'string', default: '1000000' },
    pending: { type: 'string', default: '1000000' },
    items: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    'soak-minutes': { type: 'string', default: '30' },
    scale: { type: 'string', default: '1' },
    chunk: { type: 'string', default: '100000' },
    'min-free-gb': { type: 'string', default: '10' },
  },
});
const scale = Number(values.scale);
const stored = Math.max(1_000, Math.round(Number(values.stored) * scale));
const pending = Math.max(1_000, Math.round(Number(values.pending) * scale));
const items = Math.max(500, Math.round(Number(values.items) * scale));
const rounds = Number(values.rounds);
const soakMinutes = Math.max(1, Number(values['soak-minutes']) * scale);
const warmupMinutes = Math.min(2, soakMinutes / 5);
const chunk = Number(values.chunk);
const minFreeBytes = Number(values['min-free-gb']) * 2 ** 30;
const concurrency = 32;
const listItems = 100_000;

const log = logTimed;

/** `pending` runs of the one-Task workflow due evenly over 30 days from a day ahead, by the engine's own list scheduling. */
async function schedulePending(bench: NightshiftBench): Promise<number> {
  const { deps } = bench.runtime(0);
  const firstDue = Date.now() + day;
  const intervalSeconds = (30 * day) / 1000 / pending;
  const began = performance.now();
  for (let from = 0; from < pending; from += listItems) {
    const list = Array.from({ length: Math.min(listItems, pending - from) }, (_, k) => ({ i: from + k }));
    await scheduleList(deps, { workflow: workflowName, items: list, startAt: new Date(firstDue + from * intervalSeconds * 1000), intervalSeconds });
  }
  return (performance.now() - began) / 1000;
}

async function fill(bench: NightshiftBench): Promise<string> {
  const window = storedWindow(stored, 30, Date.now() - 60_000);
  const load = await loadStoredCopies(bench, window, chunk, minFreeBytes, (line) => log(`${line}, load ${load1()}`));
  log(`  ${stored.toLocaleString('en-US')} stored in ${Math.round(load.seconds)} s (indexes ${Math.round(load.indexSeconds)} s); scheduling ${pending.toLocaleString('en-US')} runs`);
  const scheduleSeconds = await schedulePending(bench);
  log(`  scheduled in ${Math.round(scheduleSeconds)} s; vacuum analyze, checkpoint`);
  const vacuumBegan = performance.now();
  await bench.pool.unsafe('vacuum analyze');
  await bench.pool.unsafe('checkpoint');
  return `loaded: ${stored.toLocaleString('en-US')} stored executions in ${Math.round(load.seconds)} s (indexes ${Math.round(load.indexSeconds)} s of it), ` +
    `${pending.toLocaleString('en-US')} scheduled runs in ${Math.round(scheduleSeconds)} s, VACUUM ANALYZE ${Math.round((performance.now() - vacuumBegan) / 1000)} s; ` +
    `database ${((await databaseBytes(bench)) / 2 ** 30).toFixed(2)} GiB`;
}

async function workOffRate(bench: NightshiftBench, count: number): Promise<number> {
  await bench.enqueue(count);
  const result = await bench.workOff(count, concurrency);
  return count / (result.ms / 1000);
}

async function startRate(bench: NightshiftBench): Promise<number> {
  const probe = bench.openPool(1);
  try {
    const result = await measureOneByOne(nightshiftContestant(bench, probe, 1, true), { executions: items, callers: 32, pollMs: 2 });
    return result.perSecond;
  } finally {
    await probe.end();
  }
}

type Measure = 'workOff' | 'starts';
type Rates = Record<Measure, { empty: number[]; loaded: number[] }>;

async function measureRounds(databases: { empty: NightshiftBench; loaded: NightshiftBench }): Promise<Rates> {
  const rates: Rates = { workOff: { empty: [], loaded: [] }, starts: { empty: [], loaded: [] } };
  log(`warm-up work-offs, not counted (load ${load1()})`);
  for (const bench of [databases.empty, databases.loaded]) await workOffRate(bench, Math.min(items, 2_000));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['empty', 'loaded'] as const) : (['loaded', 'empty'] as const);
    log(`round ${round + 1} of ${rounds} (${items.toLocaleString('en-US')} items each, load ${load1()})`);
    for (const measure of ['workOff', 'starts'] as const) {
      for (const which of order) {
        const rate = measure === 'workOff' ? await workOffRate(databases[which], items) : await startRate(databases[which]);
        rates[measure][which].push(rate);
        log(`  ${measure === 'workOff' ? 'work-off' : 'starts one by one'}, ${which}: ${formatRate(rate)}/s (load ${load1()})`);
      }
    }
  }
  return rates;
}

function ratesTable(rates: Rates): string {
  const labels: Record<Measure, string> = { workOff: `work-off of ${items.toLocaleString('en-US')} queued, concurrency 32`, starts: `${items.toLocaleString('en-US')} started one by one, 32 callers` };
  const rows = (['workOff', 'starts'] as const).map((m) => {
    const { empty, loaded } = rates[m];
    return [
      labels[m], formatRate(median(empty)), empty.map(formatRate).join(', '), formatRate(median(loaded)), loaded.map(formatRate).join(', '),
      formatRatio(median(loaded) / median(empty)), loaded.map((l, i) => formatRatio(l / empty[i])).join(', '),
    ];
  });
  const headers = ['per second', 'empty (median)', 'empty per round', 'loaded (median)', 'loaded per round', 'loaded / empty', 'per round'];
  return markdownTable(headers, rows, headers.map((_, i) => i > 0));
}

try {
  await serverVersion();
} catch (e) {
  console.error(`soak needs Postgres at ${serverUrl} (set BENCH_DATABASE_URL): ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const began = Date.now();
const loadAtStart = loadavg();
/** Each database opened so far, to drop at the end whatever happened. */
const opened: NightshiftBench[] = [];
const open = async (database: string): Promise<NightshiftBench> => {
  const bench = await NightshiftBench.open({ maxConcurrency: concurrency, database });
  opened.push(bench);
  return bench;
};
const databases = ['bench_soak_empty', 'bench_soak_loaded'];
// Interrupted (Ctrl-C), the run still drops its databases: a loaded one holds gigabytes. The drop ends
// every connection of the run's pools, so what fails from then on is expected and must not end the
// process before the drop has.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.on('uncaughtException', () => {});
    process.on('unhandledRejection', () => {});
    void Promise.allSettled(databases.map(dropDatabase)).finally(() => process.exit(130));
  });
}
try {
  const empty = await open(databases[0]);
  const loaded = await open(databases[1]);
  log(`loading ${stored.toLocaleString('en-US')} stored executions and ${pending.toLocaleString('en-US')} scheduled runs (load ${load1()})`);
  const loadedLine = await fill(loaded);
  await empty.pool.unsafe('vacuum analyze');
  const rates = await measureRounds({ empty, loaded });
  const perSecond = median(rates.starts.loaded) / 2;
  log(`soak: ${soakMinutes} minute${soakMinutes === 1 ? '' : 's'} at ${formatRate(perSecond)} starts/s on the loaded database (load ${load1()})`);
  const before = await databaseBytes(loaded);
  const result = await soak(loaded, perSecond, soakMinutes, log);
  const facts = await durabilityReport({ items, rounds, loadAtStart, loadAtEnd: loadavg(), seconds: (Date.now() - began) / 1000 });
  console.log([
    ...facts,
    loadedLine,
    '',
    `### Rates, loaded / empty (target ≥ 0.80×)`,
    '',
    ratesTable(rates),
    '',
    `### Soak: ${soakMinutes} minute${soakMinutes === 1 ? '' : 's'} of open-loop starts at ${formatRate(perSecond)}/s (half the loaded database's start rate), worker in the process`,
    '',
    soakTable(result),
    '',
    ...soakSummary(result, warmupMinutes, before),
    `(warm-up: the first ${warmupMinutes} minutes; ${(globalThis as { gc?: unknown }).gc ? 'a collection before each sample' : 'no --expose-gc: samples without a collection'})`,
  ].join('\n'));
} finally {
  for (const bench of opened) await bench.close();
}
