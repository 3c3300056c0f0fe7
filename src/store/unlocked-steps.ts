/**
 * Steps written without a row lock held while stepping (optimistic): the rows are read with their
 * version (`xmin`, the transaction that wrote the row version read) by the claim of their jobs
 * (jobs.ts) or by `readRowsForStep`, stepped in memory, and written
 * by one statement, committed on its own, that saves a row only if it is still the version read and
 * every job that carried its events is still held by this worker. A row changed meanwhile, or whose
 * job this worker no longer holds, is left as it was with its jobs, history and new jobs unwritten:
 * the caller steps it again on the locking path (`lockExecutionsAndCompleteJobs`).
 * One round trip per group of steps besides the claim instead of four (begin, lock, write, commit).
 */
import type { Queryable } from './connection.ts';
import { toRow, type Record_, type VersionedRow } from './execution-record.ts';
import type { StepWrite } from './executions.ts';
import { historyBatchRow, insertHistoryFrom } from './history.ts';
import { insertOwnedJobsFrom, jobRecords, leasedIdsOf, type LeasedJobIds, type NewJob } from './jobs.ts';

export type { VersionedRow };

// executions_pkey. No lock: the write checks that the row is still this version.
export async function readRowsForStep(sql: Queryable, ids: readonly string[]): Promise<Map<string, VersionedRow>> {
  const records = await sql.unsafe<Array<Record_ & { row_version: string }>>(
    `select e.*, e.xmin::text as row_version from nightshift.executions e where e.id = any($1::uuid[])`,
    [ids as string[]] as never,
    { prepare: true },
  );
  return new Map(records.map((r) => [r.id, { row: toRow(r), version: r.row_version }]));
}

/** One unlocked step: its write, the version its row was read at and the jobs that carried its events. */
export interface UnlockedStep {
  write: StepWrite;
  version: string;
  jobIds: readonly number[];
  /** The jobs the step adds (written only if the step is). */
  jobs: readonly NewJob[];
}

/**
 * Writes the steps whose row is still the version read and whose carrying jobs this worker still
 * holds (all of them), deleting those jobs; answers the rows written (id → their new version) and the ids
 * of the jobs leased at birth it inserted (only a written step's jobs are). One statement,
 * committed on its own: a step is written whole or not at all.
 * `held` locks the carrying jobs first (jobs_pkey; the order of the locking path: jobs, then rows), so
 * the deletion cannot miss one the update counted. The update re-checks `xmin` on the latest version
 * of a row another transaction changes concurrently (READ COMMITTED), and skips it.
 * executions_pkey (the ids again as an array, as in saveStepStates), history_pkey, jobs_dedupe_key_key.
 */
export async function saveUnlockedSteps(sql: Queryable, workerId: string, steps: readonly UnlockedStep[]): Promise<{ saved: Map<string, string>; leased: LeasedJobIds }> {
  if (steps.length === 0) return { saved: new Map(), leased: new Map() };
  const rows = steps.map(({ write: { id, update: u }, version, jobIds }) => ({
    id, version, job_ids: jobIds, status: u.status, snapshot: u.snapshot, output: u.output, error: u.error, cause: u.cause,
    event_count: u.eventCount, stopped_at: u.stoppedAt?.toISOString() ?? null, updated_at: u.updatedAt.toISOString(),
  }));
  const history = steps.filter((s) => s.write.events.length > 0).map((s) => historyBatchRow(s.write.id, s.write.firstSeq, s.write.events));
  const jobs = steps.flatMap((s) => jobRecords(s.jobs).map((j) => ({ ...j, step_of: s.write.id })));
  const answer = await sql.unsafe<Array<{ id: string | null; row_version: string | null; job_id: string | null; dedupe_key: string | null }>>(
    saveUnlockedStatement,
    [sql.json(rows as never), sql.json(history as never), steps.map((s) => s.write.id), steps.flatMap((s) => s.jobIds), workerId, sql.json(jobs as never)] as never,
    { prepare: true },
  );
  const saved = new Map(answer.flatMap((r) => (r.id === null ? [] : [[r.id, r.row_version as string] as const])));
  return { saved, leased: leasedIdsOf(answer.flatMap((r) => (r.job_id === null ? [] : [{ id: r.job_id, dedupe_key: r.dedupe_key, leased: true }]))) };
}

// $1 rows, $2 history batches, $3 row ids, $4 carrying job ids, $5 worker id, $6 new jobs (with step_of).
const saveUnlockedStatement = `
  with held as (
    select id from nightshift.jobs where id = any($4::bigint[]) and lease_owner = $5::text
    for update
  ),
  saved as (
    update nightshift.executions e
    set status = u.status, snapshot = u.snapshot, output = u.output, error = u.error, cause = u.cause,
        event_count = u.event_count, stopped_at = u.stopped_at, updated_at = u.updated_at
    from jsonb_to_recordset($1::jsonb) as u(id uuid, version text, job_ids bigint[], status text, snapshot jsonb, output jsonb,
      error text, cause text, event_count int, stopped_at timestamptz, updated_at timestamptz)
    where e.id = any($3::uuid[]) and e.id = u.id and e.xmin = u.version::xid
      and (select count(*) from held where held.id = any(u.job_ids)) = cardinality(u.job_ids)
    returning e.id, u.job_ids, e.xmin::text as row_version
  ),
  done as (
    delete from nightshift.jobs where id in (select unnest(job_ids) from saved)
  ),
  events as (${insertHistoryFrom(2, 'select id from saved')}
  ),
  added as (${insertOwnedJobsFrom(6, 'step_of', 'select id from saved')}
  )
  select id::text, row_version, null::text as job_id, null::text as dedupe_key from saved
  union all
  select null, null, id::text, dedupe_key from added where leased`;
