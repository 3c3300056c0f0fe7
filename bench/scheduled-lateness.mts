/**
 * Lateness of scheduled runs: N runs due within one second, started by one Nightshift process with
 * the default settings (32 jobs at once, 1 s poll, a pool of 20); lateness is the execution's start
 * time minus the run's due time. Also times storing a 100 000-item list. Run by hand:
 *
 *   node --import tsx bench/scheduled-lateness.mts [--runs=10000] [--workers=32] [--single] [--skip-list]
 *
 * NIGHTSHIFT_BENCH_DATABASE_URL (an admin URL; default postgres://postgres@127.0.0.1:5432/postgres)
 * is where a scratch database is created and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { ResourceRegistry, registerBuiltinResources } from '../src/resources/index.ts';
import { registerWorkflowResources } from '../src/boot/index.ts';
import { DurableRuntime, MemoryRunner } from '../src/runtime/index.ts';
import { cancelScheduledBy, deployWorkflow, scheduleList, scheduleRun, startExecution, type ServiceDeps } from '../src/service/index.ts';
import { loadWorkflow } from '../src/asl/index.ts';
import { systemClock } from '../src/shared/index.ts';
import { connect, migrate, type Sql } from '../src/store/index.ts';
import { scheduledRunJobHandlers } from '../src/triggers/index.ts';

const args: Record<string, string> = Object.fromEntries(process.argv.slice(2).map((a) => {
  const [name, value = 'true'] = a.replace(/^--/, '').split('=');
  return [name, value];
}));
const runs = Number(args.runs ?? 10_000);
const workers = Number(args.workers ?? 32);
/** --single: independent runs instead of one list. */
const single = args.single !== undefined;
/** --skip-list: leave out the 100 000-item timing. */
const skipList = args['skip-list'] !== undefined;
const adminUrl = process.env.NIGHTSHIFT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function urlOf(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withScratchDatabase<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  const name = `nightshift_bench_${randomBytes(4).toString('hex')}`;
  const admin = connect(adminUrl, { max: 1 });
  await admin.unsafe(`create database ${name}`);
  const sql = connect(urlOf(name), { max: Math.max(4, Math.min(20, workers + 2)), applicationName: 'nightshift-bench' });
  try {
    await migrate(sql);
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  await withScratchDatabase(async (sql) => {
    const registry = registerBuiltinResources(new ResourceRegistry());
    const runtime = new DurableRuntime({ sql, registry, concurrency: workers, pollMs: 1_000, leaseMs: 30_000 });
    const transient = new MemoryRunner({ registry, clock: systemClock });
    const deps: ServiceDeps = { sql, runtime, clock: systemClock, transient, transientRuns: new Map() };
    registerWorkflowResources(registry, deps);
    const { workflow } = loadWorkflow(JSON.stringify({ StartAt: 'Hello', States: { Hello: { Type: 'Pass', End: true } } }), 'tick.json');
    if (!workflow) throw new Error('the bench workflow does not load');
    await deployWorkflow(deps, workflow);
    await runtime.start(scheduledRunJobHandlers(deps));
    try {
      // Storing a 100 000-item list, far in the future, then cancelling it (three times each).
      const items = Array.from({ length: 100_000 }, (_, i) => ({ user_id: i, email: `user${i}@example.com` }));
      for (let round = 0; round < (skipList ? 0 : 3); round++) {
        const t0 = performance.now();
        const batch = await scheduleList(deps, { workflow: 'tick', items, startAt: new Date(Date.now() + 86_400_000), intervalSeconds: 1 });
        const stored = performance.now() - t0;
        const t1 = performance.now();
        await cancelScheduledBy(deps, { batchId: batch.batchId });
        console.log(`100 000 items: scheduled in ${stored.toFixed(0)} ms, cancelled in ${(performance.now() - t1).toFixed(0)} ms`);
      }
      // For scale: how fast this machine starts executions directly, 32 at once (the ceiling of any start path).
      let next = 0;
      const t2 = performance.now();
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next < 2_000) await startExecution(deps, { workflow: 'tick', input: { direct: next++ } });
      }));
      console.log(`direct starts, 32 at once: ${(2_000 / ((performance.now() - t2) / 1000)).toFixed(0)} executions/s`);
      await sql.unsafe('vacuum analyze nightshift.scheduled_runs, nightshift.jobs, nightshift.executions');

      // `runs` runs due evenly within one second, starting a few seconds from now (time to store them).
      const startAt = new Date(Date.now() + (single ? 3_000 + runs : 3_000));
      if (single) {
        // Independent runs (no batch, so no shared counters), stored 50 at a time.
        for (let i = 0; i < runs; i += 50) {
          await Promise.all(Array.from({ length: Math.min(50, runs - i) }, (_, k) =>
            scheduleRun(deps, { workflow: 'tick', input: { i: i + k }, at: new Date(startAt.getTime() + ((i + k) * 1000) / runs) })));
        }
      } else {
        const list = Array.from({ length: runs }, (_, i) => ({ i }));
        await scheduleList(deps, { workflow: 'tick', items: list, startAt, intervalSeconds: 1 / runs });
      }
      const cpuBefore = process.cpuUsage();
      const wallBefore = Date.now();
      const deadline = Date.now() + 120_000;
      for (;;) {
        const [{ n }] = await sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from nightshift.scheduled_runs where due_at >= $1 and status = 'STARTED'`, [startAt]);
        if (n === runs || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const rows = await sql.unsafe<Array<{ late_ms: number }>>(
        `select extract(epoch from (e.started_at - r.due_at)) * 1000 as late_ms
         from nightshift.scheduled_runs r join nightshift.executions e on e.id = r.execution_id
         where r.due_at >= $1`,
        [startAt],
      );
      const cpu = process.cpuUsage(cpuBefore);
      const wall = Date.now() - wallBefore;
      const late = rows.map((r) => Number(r.late_ms)).sort((a, b) => a - b);
      console.log(`this process: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms of CPU in ${wall} ms from storing to the last start`);
      console.log(
        `${runs} ${single ? 'independent runs' : 'runs of one list'} due within 1 s, ${workers} jobs at once: started ${late.length}; lateness p50 ${percentile(late, 50).toFixed(1)} ms, ` +
          `p90 ${percentile(late, 90).toFixed(1)} ms, p99 ${percentile(late, 99).toFixed(1)} ms, max ${late[late.length - 1].toFixed(1)} ms, ` +
          `min ${late[0].toFixed(1)} ms`,
      );
    } finally {
      await runtime.stop(5_000);
      transient.close();
    }
  });
}

await main();
