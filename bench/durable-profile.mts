/**
 * Where a durable execution's time goes, on Nightshift alone (no peer runs beside it):
 *
 * 1. Rates: start `--items` executions with no worker, then work them off with `--concurrency`, and
 *    for each phase report the CPU time per execution of this Node process and of its Postgres
 *    backends (/proc, when Postgres is local), the whole machine's busy share, and what the backends
 *    were doing (pg_stat_activity sampled every 5 ms).
 * 2. Statements: `--statements` more executions run with `log_min_duration_statement = 0` on the
 *    database; the server log then gives every statement each phase sent (BEGIN and COMMIT included:
 *    transactions and round trips per execution), with its server time.
 *    (pg_stat_statements would say the same but needs shared_preload_libraries and a restart.)
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/nightshift-profile --import tsx bench/durable-profile.mts \
 *     [--items=5000] [--concurrency=32] [--statements=200] [--steps=1|3] [--stored=N]
 *   node --import tsx bench/cpuprofile-summary.mts /tmp/nightshift-profile/*.cpuprofile --top=30
 *
 * The profile covers the whole process; the work-off dominates it unless --items is small.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { nightshiftBuild, startExecution, type Sql } from './durable-modules.mts';
import { NightshiftBench, threeStepWorkflowName, workflowName } from './durable-nightshift.mts';
import { inParallel, waitUntilNone, within } from './durable-support.mts';
import { cpuSnapshot, sampleWaits, statementLog } from './durable-probes.mts';
import { loadStoredCopies, storedWindow } from './retention-load.mts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    statements: { type: 'string', default: '200' },
    steps: { type: 'string', default: '1' },
    stored: { type: 'string', default: '0' },
  },
});
const items = Number(values.items);
const concurrency = Number(values.concurrency);
const loggedItems = Number(values.statements);
// --steps=3: executions of three Task states in a row (start-one-by-one's second workflow).
const steps = Number(values.steps);
const workflow = steps === 3 ? threeStepWorkflowName : workflowName;
// --stored=N: the database first holds N finished one-Task executions (retention-load.mts), to see what stored history costs each statement.
const stored = Number(values.stored);

const bench = await NightshiftBench.open({ maxConcurrency: concurrency });

interface Phase {
  name: string;
  ms: number;
  cpu: { node: number; postgres: number | null; machineBusy: number };
  waits: Map<string, number>;
  /** WAL the server wrote meanwhile (server-wide). */
  walBytes: number;
}

/** Runs `work` while sampling wait events, and answers its counters as deltas. */
async function walLsn(): Promise<string> {
  const [row] = await bench.pool.unsafe<{ lsn: string }[]>('select pg_current_wal_lsn()::text as lsn');
  return row.lsn;
}

async function phase(name: string, work: () => Promise<void>): Promise<Phase> {
  const walBefore = await walLsn();
  const cpuBefore = await cpuSnapshot(bench.pool);
  const sampler = sampleWaits(bench.openPool(1), 5);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const waits = await sampler.stop();
  const cpuAfter = await cpuSnapshot(bench.pool);
  const [wal] = await bench.pool.unsafe<{ bytes: string }[]>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text as bytes', [walBefore]);
  return {
    name,
    ms,
    cpu: cpuAfter.since(cpuBefore),
    waits,
    walBytes: Number(wal.bytes),
  };
}

function report(p: Phase, count: number): void {
  const us = (seconds: number) => `${Math.round((seconds / count) * 1e6)} µs`;
  console.log(`\n## ${p.name}: ${count} executions in ${Math.round(p.ms)} ms = ${Math.round(count / (p.ms / 1000))}/s`);
  console.log(`CPU per execution: node ${us(p.cpu.node)}, its postgres backends ${p.cpu.postgres === null ? 'unknown' : us(p.cpu.postgres)}; machine busy ${(p.cpu.machineBusy * 100).toFixed(0)}% of ${cpus().length} cores`);
  console.log(`WAL per execution (server-wide): ${Math.round(p.walBytes / count)} bytes`);
  const total = [...p.waits.values()].reduce((a, b) => a + b, 0);
  console.log(`backend states, sampled every 5 ms (${total} backend samples):`);
  for (const [state, n] of [...p.waits].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${((n / total) * 100).toFixed(1).padStart(5)}%  ${state}`);
}

const start = (sql: Sql | undefined, count: number) => async () => {
  const { deps } = bench.runtime(0, sql);
  await inParallel(count, 32, (i) => startExecution(deps, { workflow, input: { i } }));
};

const workOff = (sql: Sql | undefined, count: number) => async () => {
  const { runtime } = bench.runtime(concurrency, sql);
  const called = bench.counter.expect(count * steps);
  await runtime.start();
  await within(called, 600_000, 'handlers');
  await waitUntilNone(() => bench.running(), 60_000);
  await runtime.stop(5_000);
};

try {
  if (stored > 0) {
    await loadStoredCopies(bench, storedWindow(stored, 30, Date.now()), 100_000, 5 * 2 ** 30, (line) => console.error(line));
    await bench.pool.unsafe('vacuum analyze');
  }
  console.log(`# Nightshift alone (${nightshiftBuild}): ${items} executions of ${steps} Task state(s), worker concurrency ${concurrency}, ${stored} stored before`);
  report(await phase('start (no worker running)', start(undefined, items)), items);
  report(await phase(`work-off (concurrency ${concurrency})`, workOff(undefined, items)), items);
  // Heap-only updates write no index entry: the share of the execution rows' updates that were (statistics flushed first).
  await new Promise((r) => setTimeout(r, 1_100));
  const [hot] = await bench.pool.unsafe<{ updates: number; hot: number }[]>(
    `select n_tup_upd::int as updates, n_tup_hot_upd::int as hot from pg_stat_user_tables where schemaname = 'nightshift' and relname = 'executions'`);
  console.log(`executions updates so far: ${hot.updates}, heap-only (HOT) ${hot.hot} (${((hot.hot / Math.max(1, hot.updates)) * 100).toFixed(0)}%)`);

  if (loggedItems > 0) {
    const log = await statementLog(bench.pool);
    const logged = bench.openPool(8);
    try {
      const startMark = await log.mark();
      await start(logged, loggedItems)();
      const workMark = await log.mark();
      await workOff(logged, loggedItems)();
      const endMark = await log.mark();
      for (const [name, from, to] of [['start', startMark, workMark], ['work-off', workMark, endMark]] as const) {
        const statements = await log.read(from, to);
        const kinds = new Map<string, { count: number; ms: number }>();
        for (const s of statements) {
          const kind = kinds.get(s.text) ?? { count: 0, ms: 0 };
          kind.count += 1;
          kind.ms += s.ms;
          kinds.set(s.text, kind);
        }
        const totalMs = statements.reduce((a, s) => a + s.ms, 0);
        console.log(`\n## statements per execution, ${name} (${loggedItems} executions, ${statements.length} statements, server time ${(totalMs / loggedItems).toFixed(3)} ms per execution)`);
        for (const [text, k] of [...kinds].sort((a, b) => b[1].ms - a[1].ms)) {
          console.log(`  ${(k.count / loggedItems).toFixed(2).padStart(6)} × ${(k.ms / k.count).toFixed(3).padStart(7)} ms  ${text}`);
        }
      }
    } finally {
      await logged.end();
      await log.close();
    }
  }
} finally {
  await bench.close();
}
