/**
 * What retention costs the durable engine with many stored executions (issue 13: history is partitioned
 * by time if retention deletes cost more than 10% of throughput at 10 M stored executions).
 *
 * 1. Load: `--stored` finished one-Task executions with their history, in bulk (`retention-load.mts`),
 *    spread evenly over 32 days ending now; then VACUUM ANALYZE and a checkpoint. With a retention of
 *    30 days the oldest two days' worth have expired. Prints the load time and the bytes per execution.
 * 2. Rounds (`--rounds`, 3): the durable work-off of `--items` queued one-Task executions
 *    (`durable-nightshift.mts`, concurrency 32, the default) (a) with no retention running and (b) with
 *    the engine's retention (`removeOldExecutions`, batches of 1 000, on the worker's pool as the hourly
 *    housekeeping runs it) deleting expired executions as fast as new ones finish: whenever 1 000 more
 *    handlers have been called than executions deleted, it deletes the next 1 000 oldest. A
 *    graphile-worker work-off of as many no-op jobs (batched settings, its own empty database) runs in
 *    the same rounds as the peer, and (c), the control: (b)'s pacing loop running without deleting. Contestants take turns, the first changing every round; one work-off
 *    before the rounds is not counted (it warms the code and pays the full-page writes that follow the
 *    checkpoint after the load).
 * 3. A day's worth: with nothing else running, the engine's retention deletes one day of the stored
 *    executions (`--stored` / 32); then a VACUUM of both tables (autovacuum's work after deletes; it is
 *    off on the CI server this was written on, so the rounds leave dead rows behind, as a deployment's
 *    would until its autovacuum runs).
 *
 *   node --expose-gc --import tsx bench/retention-cost.mts [--stored=1000000] [--items=10000] [--rounds=3]
 *     [--chunk=100000] [--min-free-gb=15] [--skip-vacuum] [--scale=1]
 *
 * The database is dropped at the end (on a failure too). `--stored=10000000` needs ~25 GB of disk and
 * about an hour on 2 cores; the load stops when the database's disk has less than `--min-free-gb` free.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { removeOldExecutions, type Sql } from './durable-modules.mts';
import { GraphileBench } from './durable-graphile.mts';
import { NightshiftBench } from './durable-nightshift.mts';
import { processTicks } from './durable-probes.mts';
import { durabilityReport } from './durable-report.mts';
import { median, serverUrl, serverVersion, sleep } from './durable-support.mts';
import { formatRate, formatRatio, load1, logTimed, markdownTable } from './report.mts';
import { day, loadStoredCopies, startOf, storedCount, storedSize, storedWindow, walLsn, walSince, type StoredWindow } from './retention-load.mts';

const { values } = parseArgs({
  strict: false,
  options: {
    stored: { type: 'string', default: '1000000' },
    items: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    chunk: { type: 'string', default: '100000' },
    'min-free-gb': { type: 'string', default: '15' },
    'skip-vacuum': { type: 'boolean', default: false },
    scale: { type: 'string', default: '1' },
  },
});
const scale = Number(values.scale);
const stored = Math.max(10_000, Math.round(Number(values.stored) * scale));
const items = Math.max(1_000, Math.round(Number(values.items) * scale));
const rounds = Number(values.rounds);
const chunk = Number(values.chunk);
const minFreeBytes = Number(values['min-free-gb']) * 2 ** 30;
const concurrency = 32;
const retentionDays = 30;
const windowDays = 32;
const retentionBatch = 1_000;

const log = logTimed;
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/**
 * CPU seconds so far of this process and of every backend of the database, the asking one included
 * (`cpuSnapshot` of durable-probes.mts leaves the asking backend out, and a pool may ask on another
 * connection the next time: that connection's whole life would then count).
 */
async function cpuSeconds(sql: Sql): Promise<Map<number, number>> {
  const rows = await sql.unsafe<{ pid: number }[]>(
    `select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`,
  );
  const usage = process.cpuUsage();
  return new Map([[-1, (usage.user + usage.system) / 1e6], ...rows.map((r): [number, number] => [r.pid, processTicks(r.pid) / 100])]);
}

/** CPU seconds between two `cpuSeconds`; a backend that started in between counts from its start. */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** The engine's retention, deleting stored executions oldest first, as fast as the work-off finishes new ones. */
class PacedRetention {
  /** Index of the oldest stored execution not deleted yet. */
  cursor = 0;
  deleted = 0;
  private running: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly sql: Sql, private readonly window: StoredWindow, private readonly bench: NightshiftBench) {}

  /** Deletes the stored executions that started before stored execution `index`, as the hourly sweep would. */
  async deleteUpTo(index: number): Promise<number> {
    const clock = { now: () => startOf(this.window, index) + retentionDays * day };
    const removed = await removeOldExecutions({ sql: this.sql, clock }, retentionDays, retentionBatch);
    this.cursor = index;
    return removed;
  }

  /** `idle`: the loop runs and waits as it would, but deletes nothing (the control for its own cost). */
  start(idle = false): void {
    this.stopping = false;
    this.deleted = 0;
    this.running = this.loop(idle);
  }

  async stop(): Promise<number> {
    this.stopping = true;
    await this.running;
    return this.deleted;
  }

  private async loop(idle: boolean): Promise<void> {
    while (!this.stopping) {
      const due = this.bench.counter.calls - this.deleted;
      if (idle || due < retentionBatch) {
        await sleep(5);
        continue;
      }
      this.deleted += await this.deleteUpTo(this.cursor + Math.floor(due / retentionBatch) * retentionBatch);
    }
  }
}

interface Measured {
  perSecond: number;
  walPerItem: number;
  /** CPU µs per item of this process and the database's backends (the retention's included in b). */
  cpuUs: number;
  deleted: number;
  load: string;
}

async function nightshiftRound(bench: NightshiftBench, retention: PacedRetention | null, idle = false): Promise<Measured> {
  await bench.enqueue(items);
  const lsn = await walLsn(bench.pool);
  const load = load1();
  const cpu = await cpuSeconds(bench.pool);
  // workOff resets the handler count before its first await: the retention loop starts from zero.
  const workOff = bench.workOff(items, concurrency);
  retention?.start(idle);
  const result = await workOff.finally(() => retention?.stop());
  const deleted = retention?.deleted ?? 0;
  const cpuUs = (cpuBetween(cpu, await cpuSeconds(bench.pool)) * 1e6) / items;
  return { perSecond: items / (result.ms / 1000), walPerItem: (await walSince(bench.pool, lsn)) / items, cpuUs, deleted, load };
}

async function graphileRound(bench: GraphileBench, probe: Sql): Promise<Measured> {
  await bench.enqueue(items);
  const lsn = await walLsn(probe);
  const load = load1();
  const result = await bench.workOff(items, 'batched');
  return { perSecond: items / (result.ms / 1000), walPerItem: (await walSince(probe, lsn)) / items, cpuUs: Number.NaN, deleted: 0, load };
}

async function fill(bench: NightshiftBench): Promise<{ window: StoredWindow; seconds: number; indexSeconds: number }> {
  const window = storedWindow(stored, windowDays, Date.now() - 60_000);
  const { seconds, indexSeconds } = await loadStoredCopies(bench, window, chunk, minFreeBytes, (line) => log(`${line}, load ${load1()}`));
  log(`  rows and indexes written in ${Math.round(seconds)} s (indexes built in ${Math.round(indexSeconds)} s); vacuum analyze, checkpoint`);
  await bench.pool.unsafe('vacuum analyze nightshift.executions, nightshift.history');
  await bench.pool.unsafe('checkpoint');
  return { window, seconds, indexSeconds };
}

/** With nothing else running: the engine's retention deleting one day of stored executions, then VACUUM. */
interface DayWorth {
  count: number;
  seconds: number;
  walPerItem: number;
  /** CPU µs per deleted execution, this process and the database's backends. */
  cpuUs: number;
  vacuumSeconds: number | null;
  vacuumCpuSeconds: number | null;
}

async function dayWorth(retention: PacedRetention, sql: Sql): Promise<DayWorth> {
  const perDay = Math.floor(stored / windowDays);
  await retention.deleteUpTo(Math.max(retention.cursor, perDay));
  const lsn = await walLsn(sql);
  const cpu = await cpuSeconds(sql);
  const began = performance.now();
  const count = await retention.deleteUpTo(retention.cursor + perDay);
  const seconds = (performance.now() - began) / 1000;
  const cpuUs = (cpuBetween(cpu, await cpuSeconds(sql)) * 1e6) / count;
  const walPerItem = (await walSince(sql, lsn)) / count;
  if (values['skip-vacuum'] === true) return { count, seconds, walPerItem, cpuUs, vacuumSeconds: null, vacuumCpuSeconds: null };
  const vacuumCpu = await cpuSeconds(sql);
  const vacuumBegan = performance.now();
  await sql.unsafe('vacuum nightshift.executions, nightshift.history');
  const vacuumSeconds = (performance.now() - vacuumBegan) / 1000;
  return { count, seconds, walPerItem, cpuUs, vacuumSeconds, vacuumCpuSeconds: cpuBetween(vacuumCpu, await cpuSeconds(sql)) };
}

const began = Date.now();
const loadAtStart = loadavg();
try {
  await serverVersion();
} catch (e) {
  console.error(`retention-cost needs Postgres at ${serverUrl} (set BENCH_DATABASE_URL): ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const nightshift = await NightshiftBench.open({ maxConcurrency: concurrency });
const graphile = await GraphileBench.open();
const graphileProbe = nightshift.openPool(1);
const results = { a: [] as Measured[], b: [] as Measured[], c: [] as Measured[], graphile: [] as Measured[] };
try {
  log(`loading ${stored.toLocaleString('en-US')} stored executions (load ${load1()})`);
  const { window, seconds: loadSeconds } = await fill(nightshift);
  const size = await storedSize(nightshift.pool);
  const count = await storedCount(nightshift.pool);
  const total = size.executions + size.history;
  log(`  ${count.toLocaleString('en-US')} executions in ${Math.round(loadSeconds)} s: ${gib(total)}, ${Math.round(total / count)} bytes each`);

  // A first work-off, not counted: it warms the code and pays the full-page writes that follow the checkpoint.
  log(`warm-up work-off (load ${load1()})`);
  await nightshiftRound(nightshift, null);
  const retention = new PacedRetention(nightshift.pool, window, nightshift);
  const contestants = [
    { key: 'a' as const, run: () => nightshiftRound(nightshift, null) },
    { key: 'b' as const, run: () => nightshiftRound(nightshift, retention) },
    { key: 'c' as const, run: () => nightshiftRound(nightshift, retention, true) },
    { key: 'graphile' as const, run: () => graphileRound(graphile, graphileProbe) },
  ];
  for (let round = 0; round < rounds; round++) {
    log(`round ${round + 1} of ${rounds} (${items.toLocaleString('en-US')} items each)`);
    for (const c of contestants.map((_, i) => contestants[(i + round) % contestants.length])) {
      const r = await c.run();
      results[c.key].push(r);
      log(`  ${c.key}: ${formatRate(r.perSecond)}/s, WAL ${(r.walPerItem / 1024).toFixed(1)} KiB, CPU ${Math.round(r.cpuUs)} µs per item, deleted ${r.deleted}, load ${r.load}`);
    }
  }
  log('a day\'s worth of retention, alone');
  const oneDay = await dayWorth(retention, nightshift.pool);
  await printResults(total, count, size, loadSeconds, oneDay);
} finally {
  await graphileProbe.end();
  await graphile.close();
  await nightshift.close();
}

async function printResults(
  total: number, count: number, size: Awaited<ReturnType<typeof storedSize>>, loadSeconds: number, oneDay: DayWorth,
): Promise<void> {
  const a = median(results.a.map((r) => r.perSecond));
  const b = median(results.b.map((r) => r.perSecond));
  const g = median(results.graphile.map((r) => r.perSecond));
  const row = (label: string, list: Measured[], extra: string[]) => [
    label, formatRate(median(list.map((r) => r.perSecond))), list.map((r) => formatRate(r.perSecond)).join(', '),
    `${(median(list.map((r) => r.walPerItem)) / 1024).toFixed(1)} KiB`,
    Number.isNaN(list[0].cpuUs) ? '' : `${Math.round(median(list.map((r) => r.cpuUs)))} µs`, list.map((r) => r.load).join(', '), ...extra,
  ];
  const headers = ['work-off', 'per second', 'per round', 'WAL / item', 'CPU / item', 'load (1 min) per round', 'deleted per round', 'nightshift (a) / this'];
  const table = markdownTable(headers, [
    row('nightshift (a), no retention', results.a, ['0', '']),
    row('nightshift (b), retention as fast as executions finish', results.b, [results.b.map((r) => r.deleted).join(', '), formatRatio(a / b)]),
    row('nightshift (c), retention loop idle (control)', results.c, ['0', formatRatio(a / median(results.c.map((r) => r.perSecond)))]),
    row('graphile-worker, batched (empty database)', results.graphile, ['', formatRatio(a / g)]),
  ], headers.map((_, i) => i > 0));
  const c = median(results.c.map((r) => r.perSecond));
  const cpuA = median(results.a.map((r) => r.cpuUs));
  const cpuB = median(results.b.map((r) => r.cpuUs));
  const perRound = results.a.map((r, i) => formatRatio(results.b[i].perSecond / r.perSecond)).join(', ');
  const facts = await durabilityReport({ items, rounds, loadAtStart, loadAtEnd: loadavg(), seconds: (Date.now() - began) / 1000 });
  console.log([
    ...facts,
    `stored: ${count.toLocaleString('en-US')} executions over ${windowDays} days (retention ${retentionDays} days), loaded in ${Math.round(loadSeconds)} s`,
    `stored size: ${gib(total)} = ${Math.round(total / count)} bytes per execution (executions ${gib(size.executions)}, history ${gib(size.history)}; indexes ${gib(size.indexes)}, TOAST ${gib(size.toast)})`,
    '',
    table,
    '',
    `b / a: ${formatRatio(b / a)} (per round: ${perRound}); retention cost ${((1 - b / a) * 100).toFixed(1)}% of throughput; ` +
      `b / c: ${formatRatio(b / c)} (per round: ${results.c.map((r, i) => formatRatio(results.b[i].perSecond / r.perSecond)).join(', ')})`,
    `CPU per item (this process and the database's backends): a ${Math.round(cpuA)} µs, b ${Math.round(cpuB)} µs: ` +
      `the retention added ${((cpuB / cpuA - 1) * 100).toFixed(1)}% (on a machine with no spare CPU, b / a would tend to ${formatRatio(cpuA / cpuB)})`,
    `a day's worth (${oneDay.count.toLocaleString('en-US')} executions), alone: deleted in ${oneDay.seconds.toFixed(1)} s ` +
      `(${formatRate(oneDay.count / oneDay.seconds)}/s, ${Math.round(oneDay.cpuUs)} µs CPU and ${(oneDay.walPerItem / 1024).toFixed(1)} KiB WAL per execution); ` +
      `VACUUM of both tables after it: ${oneDay.vacuumSeconds === null ? 'skipped' : `${oneDay.vacuumSeconds.toFixed(1)} s (${oneDay.vacuumCpuSeconds?.toFixed(1)} s CPU)`}`,
  ].join('\n'));
}
