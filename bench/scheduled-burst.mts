/**
 * Where a burst of scheduled runs spends its time (issue 14, target 4), Nightshift alone: `--runs` runs
 * due evenly within one second, started by a worker of `--concurrency` slots in this process. It reports
 * how late the runs started (the execution's `started_at` minus the run's `due_at`), how fast the starts
 * drained, and the CPU per start of this process and of its Postgres backends; with `--statements`, the
 * CPU each statement used on the server (`log_statement_stats`), which tells work from waiting.
 *
 * `--alone` schedules the runs one by one instead of as one list (a list's runs also count their
 * starts and ends in the list's row); `--warm=N` first runs N of them, so that the pool's connections
 * and their prepared statements exist when the measured runs come due.
 *
 *   node --import tsx bench/scheduled-burst.mts [--runs=10000] [--alone] [--concurrency=32] [--warm=0] [--statements]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { scheduleList, scheduleRun, type ServiceDeps } from './durable-modules.mts';
import { NightshiftBench, workflowName } from './durable-nightshift.mts';
import { cpuSnapshot, statementCpuLog } from './durable-probes.mts';
import { inParallel, percentile, sleep } from './durable-support.mts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    alone: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '32' },
    warm: { type: 'string', default: '0' },
    statements: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const warm = Number(values.warm);

/** `n` runs due evenly within one second from `startAt`, as one list or one by one. */
async function schedule(deps: ServiceDeps, n: number, startAt: Date, alone: boolean): Promise<void> {
  if (!alone) {
    await scheduleList(deps, { workflow: workflowName, items: Array.from({ length: n }, (_, i) => ({ i })), startAt, intervalSeconds: 1 / n });
    return;
  }
  await inParallel(n, 50, (i) => scheduleRun(deps, { workflow: workflowName, input: { i }, at: new Date(startAt.getTime() + (i * 1000) / n).toISOString() }));
}

async function waiting(bench: NightshiftBench): Promise<number> {
  // scheduled_runs_due_at_idx (waiting runs only).
  const [{ n }] = await bench.pool.unsafe<{ n: number }[]>(`select count(*)::int as n from nightshift.scheduled_runs where status = 'SCHEDULED'`);
  return n;
}

const bench = await NightshiftBench.open({ maxConcurrency: Number(values.concurrency) });
const cpuLog = values.statements ? await statementCpuLog(bench.pool) : null;
const { runtime, deps } = bench.runtime(Number(values.concurrency), bench.pool, true);
await runtime.start();
try {
  if (warm > 0) {
    await schedule(deps, warm, new Date(), values.alone);
    while ((await waiting(bench)) > 0 || (await bench.running()) > 0) await sleep(50);
    await bench.pool.unsafe('delete from nightshift.scheduled_runs');
  }
  const startAt = new Date(Date.now() + 2_500);
  await schedule(deps, runs, startAt, values.alone);
  await sleep(Math.max(0, startAt.getTime() - Date.now()));
  const from = cpuLog ? await cpuLog.mark() : 0;
  const before = await cpuSnapshot(bench.pool);
  while ((await waiting(bench)) > 0) await sleep(20);
  const after = await cpuSnapshot(bench.pool);
  const drainedMs = Date.now() - startAt.getTime();
  const to = cpuLog ? await cpuLog.mark() : 0;
  const late = await bench.scheduledLateness(startAt);
  const cpu = after.since(before);
  console.log(`# ${runs} runs ${values.alone ? 'scheduled one by one' : 'of one list'} due within 1 s, worker concurrency ${values.concurrency}${warm ? `, after ${warm} warm-up runs` : ''}; load ${loadavg()[0].toFixed(2)}`);
  console.log(`lateness p50 ${percentile(late, 50).toFixed(0)} ms, p99 ${percentile(late, 99).toFixed(0)} ms, max ${Math.max(...late).toFixed(0)} ms`);
  console.log(`all started ${drainedMs} ms after the first was due (${Math.round(runs / (drainedMs / 1000))}/s)`);
  console.log(`CPU per start: node ${((cpu.node * 1e6) / runs).toFixed(0)} µs, its postgres backends ${(((cpu.postgres ?? 0) * 1e6) / runs).toFixed(0)} µs; machine busy ${Math.round(cpu.machineBusy * 100)}% of the cores`);
  if (cpuLog) {
    const statements = await cpuLog.read(from, to);
    console.log('\n## server CPU by statement while the runs started (log_statement_stats)');
    for (const s of statements.slice(0, 12)) {
      console.log(`${String(s.calls).padStart(7)} calls ${(s.cpu * 1000).toFixed(0).padStart(6)} ms ${((s.cpu * 1e6) / Math.max(1, s.calls)).toFixed(0).padStart(6)} µs/call  ${s.text}`);
    }
  }
} finally {
  await cpuLog?.close();
  await runtime.stop(5_000);
  await bench.close();
}
