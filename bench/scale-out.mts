/**
 * Scale-out on one database (issue 13): Nightshift as separate processes, as an operator would run it.
 *
 * 1. Workers: `--items` (20 000) one-Task executions are started with no worker running, their invoke
 *    jobs held back (`run_at` a day ahead); then 1, 2 or 4 `nightshift worker` processes (concurrency 32
 *    each, the default) start, and once all say they run the jobs are made due and NOTIFY wakes them.
 *    Throughput is the steady rate between the 10th and the 90th percentile of the executions'
 *    `stopped_at`, so process start-up and the tail do not count.
 * 2. API: 1 or 2 `nightshift serve` processes with no worker (NIGHTSHIFT_CONCURRENCY=0) answer
 *    `POST /v1/workflows/bench-noop/executions` from autocannon (`--connections` 64 in all, split
 *    between them, for `--seconds` 20), while one `nightshift worker` works the executions off.
 *
 * During each measurement a probe samples `pg_stat_activity` every 10 ms: the share of the database's
 * active backends waiting on a heavyweight lock (`Lock:*`, e.g. a row lock), on a lightweight lock
 * (`LWLock:*`: WAL insertion, buffer mapping, the notify queue) or on I/O (`IO:*`, WAL flush at
 * commit), and the CPU seconds of Postgres's backends and of the Nightshift processes. On 2 cores more
 * processes do not add CPU: the figures show where the one machine's time goes as they are added.
 *
 *   node --import tsx bench/scale-out.mts [--items=20000] [--workers=1,2,4] [--apis=1,2] [--seconds=20]
 *     [--connections=64] [--scale=1]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { cpuSnapshot, machineTicks, processTicks, sampleWaits } from './durable-probes.mts';
import { NightshiftBench, workflowName } from './durable-nightshift.mts';
import { inParallel, sleep } from './durable-support.mts';
import { durabilityReport } from './durable-report.mts';
import { formatRate, markdownTable } from './report.mts';
import { cannon, createKey, drain, makeProject, removeProject, startChild, type Child, type LoadResult } from './serve-process.mts';
import { startExecution } from './durable-modules.mts';

const { values } = parseArgs({
  strict: false,
  options: {
    items: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '1,2,4' },
    apis: { type: 'string', default: '1,2' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    scale: { type: 'string', default: '1' },
  },
});
const scale = Number(values.scale);
const items = Math.max(500, Math.round(Number(values.items) * scale));
const workerCounts = String(values.workers).split(',').map(Number);
const apiCounts = String(values.apis).split(',').map(Number);
const seconds = Math.max(3, Math.round(Number(values.seconds) * scale));
const connections = Number(values.connections);

/** Where the time went during one measurement. */
interface Observed {
  /** Share of active-backend samples per wait class. */
  lock: number;
  lwlock: number;
  io: number;
  cpu: number;
  /** Share of all samples that were `idle in transaction` (a client holding a transaction open). */
  idleInTransaction: number;
  topWaits: string;
  postgresCpuS: number;
  nightshiftCpuS: number;
  machineBusy: number;
}

async function observe<T>(bench: NightshiftBench, children: Child[], work: () => Promise<T>): Promise<{ result: T; observed: Observed }> {
  const waits = sampleWaits(bench.openPool(1), 10);
  const cpuBefore = await cpuSnapshot(bench.pool);
  const childTicks = () => children.reduce((sum, c) => sum + processTicks(c.process.pid!), 0);
  const ticksBefore = childTicks();
  const machineBefore = machineTicks();
  const result = await work();
  const cpu = (await cpuSnapshot(bench.pool)).since(cpuBefore);
  const nightshiftCpuS = (childTicks() - ticksBefore) / 100 + cpu.node;
  const machineAfter = machineTicks();
  const seen = await waits.stop();
  let active = 0;
  let all = 0;
  const by = { lock: 0, lwlock: 0, io: 0, cpu: 0, idleInTransaction: 0 };
  const events = new Map<string, number>();
  for (const [what, count] of seen) {
    all += count;
    const [state, wait] = what.split(' | ');
    if (state === 'idle in transaction') by.idleInTransaction += count;
    if (state !== 'active') continue;
    active += count;
    if (wait.startsWith('Lock:')) by.lock += count;
    else if (wait.startsWith('LWLock:')) by.lwlock += count;
    else if (wait.startsWith('IO:')) by.io += count;
    else if (wait === 'CPU') by.cpu += count;
    if (wait !== 'CPU') events.set(wait, (events.get(wait) ?? 0) + count);
  }
  const share = (n: number, of: number) => (of > 0 ? n / of : 0);
  const topWaits = [...events].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([w, n]) => `${w} ${Math.round(share(n, active) * 100)}%`).join(', ');
  const total = machineAfter.total - machineBefore.total;
  return {
    result,
    observed: {
      lock: share(by.lock, active), lwlock: share(by.lwlock, active), io: share(by.io, active), cpu: share(by.cpu, active),
      idleInTransaction: share(by.idleInTransaction, all), topWaits, postgresCpuS: cpu.postgres ?? 0, nightshiftCpuS,
      machineBusy: total > 0 ? (machineAfter.busy - machineBefore.busy) / total : 0,
    },
  };
}

/** WAL position of the whole server (every database on it: other users' writes count too). */
async function walLsn(bench: NightshiftBench): Promise<string> {
  const [row] = await bench.pool.unsafe<{ lsn: string }[]>('select pg_current_wal_lsn()::text as lsn');
  return row.lsn;
}

async function walSince(bench: NightshiftBench, lsn: string): Promise<number> {
  const [row] = await bench.pool.unsafe<{ bytes: string }[]>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text as bytes', [lsn]);
  return Number(row.bytes);
}

async function workers(bench: NightshiftBench, project: string, count: number): Promise<{ perSecond: number; walPerItem: number; observed: Observed }> {
  const { deps } = bench.runtime(0);
  const since = new Date();
  await inParallel(items, 32, (i) => startExecution(deps, { workflow: workflowName, input: { i } }));
  await bench.pool.unsafe(`update nightshift.jobs set run_at = now() + interval '1 day'`);
  await bench.pool.unsafe('vacuum analyze nightshift.jobs, nightshift.executions');
  const children = await Promise.all(Array.from({ length: count }, () => startChild('worker', project, bench.databaseUrl)));
  try {
    await sleep(1_000);
    const lsn = await walLsn(bench);
    const { observed } = await observe(bench, children, async () => {
      await bench.pool.unsafe(`update nightshift.jobs set run_at = now()`);
      await bench.pool.unsafe(`select pg_notify('nightshift_jobs', '')`);
      await drain(bench.pool);
    });
    const walPerItem = (await walSince(bench, lsn)) / items;
    const [row] = await bench.pool.unsafe<{ ms: number }[]>(
      `select extract(epoch from (percentile_disc(0.9) within group (order by stopped_at) - percentile_disc(0.1) within group (order by stopped_at))) * 1000 as ms
       from nightshift.executions where started_at >= $1`,
      [since],
    );
    return { perSecond: (0.8 * items) / (Number(row.ms) / 1000), walPerItem, observed };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

async function apis(bench: NightshiftBench, project: string, key: string, count: number): Promise<{ load: LoadResult; drainMs: number; observed: Observed }> {
  const servers = await Promise.all(Array.from({ length: count }, () => startChild('serve', project, bench.databaseUrl, 0)));
  const worker = await startChild('worker', project, bench.databaseUrl);
  const children = [...servers, worker];
  try {
    await Promise.all(servers.map((s) => cannon(s.url, key, Math.ceil(connections / count), 2))); // warm-up
    await drain(bench.pool);
    const { result, observed } = await observe(bench, children, () =>
      Promise.all(servers.map((s) => cannon(s.url, key, Math.ceil(connections / count), seconds))));
    const drainMs = await drain(bench.pool);
    const load: LoadResult = {
      perSecond: result.reduce((sum, r) => sum + r.perSecond, 0),
      p50: Math.max(...result.map((r) => r.p50)),
      p99: Math.max(...result.map((r) => r.p99)),
      requests: result.reduce((sum, r) => sum + r.requests, 0),
      errors: result.reduce((sum, r) => sum + r.errors, 0),
    };
    return { load, drainMs, observed };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const observedCells = (o: Observed): string[] => [
  pct(o.lock), pct(o.lwlock), pct(o.io), pct(o.cpu), pct(o.idleInTransaction), o.topWaits || '—',
  `${o.postgresCpuS.toFixed(1)} / ${o.nightshiftCpuS.toFixed(1)}`, pct(o.machineBusy),
];
const observedHeaders = ['Lock', 'LWLock', 'IO', 'on CPU', 'idle in tx', 'top waits', 'CPU s: postgres / nightshift', 'machine busy'];

const log = (line: string): void => console.error(line);
const began = Date.now();
const loadAtStart = loadavg();
const bench = await NightshiftBench.open({ maxConcurrency: 32 });
const project = makeProject();
const workerRows: string[][] = [];
const apiRows: string[][] = [];
let failed = false;
let storedLine = '';
try {
  const key = await createKey(project, bench.databaseUrl);
  let single = 0;
  for (const count of workerCounts) {
    log(`${count} worker process(es): ${items} executions`);
    const { perSecond, walPerItem, observed } = await workers(bench, project, count);
    if (count === workerCounts[0]) single = perSecond;
    log(`  ${Math.round(perSecond)}/s; lock waits ${pct(observed.lock)} of active samples; ${observed.topWaits}`);
    workerRows.push([String(count), formatRate(perSecond), `${(perSecond / single).toFixed(2)}×`, `${(walPerItem / 1024).toFixed(1)} KiB`, ...observedCells(observed)]);
  }
  const [size] = await bench.pool.unsafe<{ n: number; bytes: string }[]>(
    `select (select count(*)::int from nightshift.executions) as n,
            (pg_total_relation_size('nightshift.executions') + pg_total_relation_size('nightshift.history_events'))::text as bytes`,
  );
  storedLine = `stored: ${size.n.toLocaleString('en-US')} executions, executions + history_events ${(Number(size.bytes) / 2 ** 20).toFixed(1)} MiB with indexes, ` +
    `${Math.round(Number(size.bytes) / size.n)} bytes per execution`;
  let firstApi = 0;
  for (const count of apiCounts) {
    log(`${count} API process(es) + 1 worker: autocannon ${connections} connections for ${seconds} s`);
    const { load, drainMs, observed } = await apis(bench, project, key, count);
    if (count === apiCounts[0]) firstApi = load.perSecond;
    if (load.errors > 0) failed = true;
    log(`  ${Math.round(load.perSecond)} starts/s, p99 ${load.p99} ms, errors ${load.errors}, drained in ${Math.round(drainMs)} ms`);
    apiRows.push([String(count), formatRate(load.perSecond), `${(load.perSecond / firstApi).toFixed(2)}×`, String(load.p99), `${load.errors} of ${load.requests}`, `${(drainMs / 1000).toFixed(1)} s`, ...observedCells(observed)]);
  }
} finally {
  removeProject(project);
  await bench.close();
}

const facts = await durabilityReport({ items, rounds: 1, loadAtStart, loadAtEnd: loadavg(), seconds: (Date.now() - began) / 1000 });
console.log(facts.filter((line) => !line.includes('medians over rounds')).join('\n'));
console.log(`\n### Work-off of ${items.toLocaleString('en-US')} queued one-Task executions by N \`nightshift worker\` processes (concurrency 32 each)\n`);
console.log('Lock / LWLock / IO / on CPU: shares of the samples of active backends; idle in tx: share of all samples.\n');
console.log('WAL / execution: the server\'s WAL written during the work-off over the executions (other databases\' writes on a shared server count too).\n');
console.log(markdownTable(['worker processes', 'executions / s (p10–p90)', 'vs first', 'WAL / execution', ...observedHeaders], workerRows, [true, true, true, true, true, true, true, true, true, false, true, true]));
console.log(`\n${storedLine}`);
console.log(`\n### Starts over HTTP: N \`nightshift serve\` processes without workers, one \`nightshift worker\`, autocannon ${connections} connections in all, ${seconds} s\n`);
console.log(markdownTable(['API processes', 'starts / s', 'vs first', 'p99 ms', 'errors', 'drained after', ...observedHeaders], apiRows, [true, true, true, true, true, true, true, true, true, true, true, false, true, true]));
if (failed) process.exitCode = 1;
