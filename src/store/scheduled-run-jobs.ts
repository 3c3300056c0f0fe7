/**
 * What the job handlers of scheduled runs write when they finish a job: one statement each, run on
 * its own (its own implicit transaction). Every run of a list updates the list's one counter row,
 * so how long that row stays locked bounds how fast a list starts. In one statement the lock is
 * taken near the end and released at commit, with no round trip to the client in between; and the
 * commit does not wait for its WAL flush (`set_config('synchronous_commit', 'off', true)` lasts
 * until the end of the statement's transaction). Measured here with 1 000 runs due within one
 * second: a transaction of separate statements holding the lock through a flush made a list start
 * 4x later than independent runs.
 *
 * The relaxed flush is safe because each statement also deletes its job: if a crash loses the
 * transaction, the job comes back when its lease runs out and the handler repeats it (the start is
 * idempotent by key, the counting by the run's recorded state); and any later synchronous commit
 * that saw its effects flushes it first.
 */
import { jobsChannel } from './jobs.ts';
import type { Queryable } from './connection.ts';
import { completionJobsSql, nextItemJobsSql } from './scheduled-batches.ts';
import { stillWaiting } from './scheduled-runs.ts';

const relaxedFlush = `relaxed as (select set_config('synchronous_commit', 'off', true) as setting)`;

// $1 job, $2 worker, $3 run, $4 execution, $5 now. jobs_pkey (only while this worker holds the job),
// scheduled_runs_pkey (only a waiting run is marked: its end may have been counted first),
// scheduled_batches_pkey.
const finishStartStatement = `
  with ${relaxedFlush},
  done as (
    delete from nightshift.jobs where id = $1 and lease_owner = $2 returning id
  ),
  marked as (
    update nightshift.scheduled_runs set status = 'STARTED', execution_id = $4, started_at = $5
    where id = $3 and ${stillWaiting('scheduled_runs')} and exists (select 1 from done)
    returning batch_id
  ),
  counted as (
    update nightshift.scheduled_batches b set started = b.started + 1
    from marked m where b.id = m.batch_id
    returning b.id
  )
  select (select count(*) from done)::int as held, (select count(*) from marked)::int as marked,
         (select count(*) from counted)::int as counted, (select count(*) from relaxed)::int as relaxed`;

/**
 * Completes the start job, marks the run STARTED with its execution and counts it in its batch.
 * `held` is false when the job was no longer this worker's (nothing was written).
 */
export async function finishScheduledStart(
  sql: Queryable,
  f: { jobId: number; workerId: string; runId: string; executionId: string; now: Date },
): Promise<{ held: boolean; marked: boolean }> {
  const [row] = await sql.unsafe<Array<{ held: number; marked: number }>>(
    finishStartStatement,
    [f.jobId, f.workerId, f.runId, f.executionId, f.now] as never,
    { prepare: true },
  );
  return { held: row.held > 0, marked: row.marked > 0 };
}

// $1 [{run_id, execution_id}], $2 now, $3 the run ids again (scheduled_runs_pkey is used whatever the
// statistics say: see saveStepStates and stillWaiting): a start transaction that holds the runs' jobs (it deleted them)
// marks every run that still waits (scheduled_runs_pkey) and counts them per batch, one counter update
// per batch (scheduled_batches_pkey).
const markStartedStatement = `
  with started as (
    select * from jsonb_to_recordset($1::jsonb) as s(run_id uuid, execution_id uuid)
  ),
  marked as (
    update nightshift.scheduled_runs r set status = 'STARTED', execution_id = s.execution_id, started_at = $2
    from started s
    where r.id = any($3::uuid[]) and r.id = s.run_id and ${stillWaiting('r')}
    returning r.batch_id
  ),
  counted as (
    update nightshift.scheduled_batches b set started = b.started + m.runs
    from (select batch_id, count(*)::int as runs from marked where batch_id is not null group by batch_id) m
    where b.id = m.batch_id
    returning b.id
  )
  select (select count(*) from marked)::int as marked, (select count(*) from counted)::int as counted`;

/**
 * Marks runs STARTED with their executions and counts them in their batches, in the transaction that
 * started them (and completed their jobs). Answers how many were marked (a run whose end was counted
 * first is already STARTED).
 */
export async function markRunsStarted(sql: Queryable, starts: ReadonlyArray<{ runId: string; executionId: string }>, now: Date): Promise<number> {
  if (starts.length === 0) return 0;
  const rows = starts.map((s) => ({ run_id: s.runId, execution_id: s.executionId }));
  const [row] = await sql.unsafe<Array<{ marked: number }>>(markStartedStatement, [sql.json(rows), now, starts.map((s) => s.runId)] as never, { prepare: true });
  return row.marked;
}

// $1 [{job_id, execution_id, status}] (distinct executions), $2 worker, $3 now, $4 the jobs channel,
// $5 and $6 the job and execution ids again (their indexes used whatever the statistics say).
// Each run is found through its execution's idempotency key, scheduled:<run id> (executions_pkey,
// then scheduled_runs_pkey; the CASE keeps other keys from being cast) and locked, only for the jobs
// this worker still holds (jobs_pkey). A run may still be SCHEDULED when its execution ended before
// its start was recorded: it is marked STARTED here. A redriven execution ends twice: its run moves
// from one counter to the other. Each batch's counters change once, by the sums of its runs
// (scheduled_batches_pkey); then, from the updated counters, a sequential batch with nothing running
// gets its next item's job, a finished batch its on-complete job, and workers are woken when either
// is due now.
const finishEndedStatement = `
  with ${relaxedFlush},
  ended as (
    select * from jsonb_to_recordset($1::jsonb) as x(job_id bigint, execution_id uuid, status text)
  ),
  done as (
    delete from nightshift.jobs j using ended x
    where j.id = any($5::bigint[]) and j.id = x.job_id and j.lease_owner = $2 returning j.id
  ),
  keyed as (
    select x.execution_id, x.status as new_status, e.workflow_name,
           case when e.idempotency_key ~ '^scheduled:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                then substr(e.idempotency_key, 11)::uuid end as run_id
    from ended x
    join done on done.id = x.job_id
    join nightshift.executions e on e.id = x.execution_id and e.id = any($6::uuid[])
    where e.kind = 'execution'
  ),
  run as (
    select r.id, r.status, r.ended_status, r.batch_id, k.execution_id, k.new_status
    from keyed k
    join nightshift.scheduled_runs r on r.id = k.run_id and r.workflow_name = k.workflow_name
    where r.id = any(array(select run_id from keyed)) and r.status <> 'CANCELLED'
    for update of r
  ),
  marked as (
    update nightshift.scheduled_runs r
    set status = 'STARTED', execution_id = coalesce(r.execution_id, run.execution_id), started_at = coalesce(r.started_at, $3),
        ended_status = run.new_status, ended_at = $3
    from run where r.id = run.id
    returning run.id, run.batch_id, run.status as old_status, run.ended_status as old_ended, run.new_status
  ),
  sums as (
    select batch_id,
           sum((old_status = 'SCHEDULED')::int) as started,
           sum((new_status = 'SUCCEEDED')::int - (old_ended is not distinct from 'SUCCEEDED')::int) as succeeded,
           sum((new_status <> 'SUCCEEDED')::int - (old_ended is not null and old_ended <> 'SUCCEEDED')::int) as failed
    from marked where batch_id is not null group by batch_id
  ),
  counted as (
    update nightshift.scheduled_batches b
    set started = b.started + s.started, succeeded = b.succeeded + s.succeeded, failed = b.failed + s.failed
    from sums s where b.id = s.batch_id
    returning b.*
  ),
  next_jobs as (${nextItemJobsSql('counted b', '$3::timestamptz', 'array(select id from marked)')}),
  completion as (${completionJobsSql('counted b', '$3::timestamptz')}),
  woken as (
    select pg_notify($4, '') from (select 1 from next_jobs where run_at <= $3 union all select 1 from completion limit 1) due
  )
  select (select count(*) from done)::int as held, (select count(*) from marked)::int as counted,
         (select count(*) from woken)::int as woken, (select count(*) from relaxed)::int as relaxed`;

/** An execution-ended job: the execution and how it ended. */
export interface EndedExecution {
  jobId: number;
  executionId: string;
  status: string;
}

/**
 * Completes execution-ended jobs (of distinct executions) and, for those a batch's scheduled run
 * started, counts their ends and moves their batches on, in one statement. Answers how many jobs
 * were still held and how many ends were counted.
 */
export async function finishExecutionsEnded(
  sql: Queryable,
  f: { ended: readonly EndedExecution[]; workerId: string; now: Date },
): Promise<{ held: number; counted: number }> {
  if (f.ended.length === 0) return { held: 0, counted: 0 };
  const rows = f.ended.map((e) => ({ job_id: e.jobId, execution_id: e.executionId, status: e.status }));
  const [row] = await sql.unsafe<Array<{ held: number; counted: number }>>(
    finishEndedStatement,
    [sql.json(rows), f.workerId, f.now, jobsChannel, f.ended.map((e) => e.jobId), f.ended.map((e) => e.executionId)] as never,
    { prepare: true },
  );
  return { held: row.held, counted: row.counted };
}

