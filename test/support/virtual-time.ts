/**
 * Drives a durable engine on a virtual clock: whenever no job is running (none leased) and none is due,
 * time jumps to the next job's run_at and workers are woken (NOTIFY), until no execution runs. The jump
 * happens only when the whole database is quiet, so every execution sees the same order of events as in
 * real time; a Task in flight (a hanging call waiting for its TimeoutSeconds) holds time at real speed.
 */
import { notifyJobsAvailable, type Sql } from '../../src/store/index.ts';
import type { VirtualClock } from './virtual-clock.ts';

interface QueueState {
  running: number;
  leased: boolean;
  next_run: Date | null;
  attempts: number | null;
}

export interface RunUntilIdleOptions {
  sql: Sql;
  clock: VirtualClock;
  /** Real milliseconds before giving up (the executions still running are named in the error). */
  timeoutMs?: number;
  /** Real milliseconds between looks at the queue. */
  pollMs?: number;
  /**
   * Asked whenever the queue is quiet, before time jumps: true stops the run there (an execution recorded
   * mid-flight). Without it, the run goes on until no execution runs.
   */
  until?: () => Promise<boolean>;
  /** A job tried this many times means a worker keeps failing on it: stop at once and say which. */
  maxAttempts?: number;
}

/** Answers the number of time jumps it made. */
export async function runUntilIdle({ sql, clock, timeoutMs = 60_000, pollMs = 5, until, maxAttempts = 5 }: RunUntilIdleOptions): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let jumps = 0;
  for (;;) {
    // One statement, one snapshot: a step deletes its job and inserts the next ones in one commit.
    const [state] = await sql.unsafe<QueueState[]>(
      `select (select count(*)::int from nightshift.executions where kind = 'execution' and status = 'RUNNING') as running,
              exists (select 1 from nightshift.jobs where lease_owner is not null) as leased,
              (select min(run_at) from nightshift.jobs where lease_owner is null) as next_run,
              (select max(attempts) from nightshift.jobs) as attempts`,
    );
    if (state.running === 0) return jumps;
    if (Date.now() > deadline) throw new Error(`still running after ${timeoutMs} ms: ${await stuck(sql)}`);
    if ((state.attempts ?? 0) >= maxAttempts) throw new Error(`a job was tried ${state.attempts} times: ${await stuck(sql)}`);
    const quiet = !state.leased && (state.next_run === null || state.next_run.getTime() > clock.now());
    if (quiet && until && (await until())) return jumps;
    if (quiet && state.next_run) {
      clock.advanceTo(state.next_run.getTime());
      jumps += 1;
      await notifyJobsAvailable(sql);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The executions still running, each with what it waits for and its jobs. */
async function stuck(sql: Sql): Promise<string> {
  const rows = await sql.unsafe<Array<{ name: string; state: string | null; pending: unknown; jobs: unknown }>>(
    `select e.name, e.snapshot ->> 'stateName' as state, e.snapshot -> 'pending' as pending,
            (select jsonb_agg(jsonb_build_object('kind', j.kind, 'runAt', j.run_at, 'lease', j.lease_owner, 'attempts', j.attempts, 'key', j.dedupe_key))
             from nightshift.jobs j where j.execution_id = e.id) as jobs
     from nightshift.executions e where e.kind = 'execution' and e.status = 'RUNNING' order by e.name limit 20`,
  );
  return rows.map((r) => `${r.name} (in ${r.state}, pending ${JSON.stringify(r.pending)}, jobs ${JSON.stringify(r.jobs)})`).join('; ');
}
