/**
 * Retention of scheduled runs (docs/scaling.md): finished runs scheduled alone, and finished lists with
 * all their runs, once they are older than the cutoff. Every statement is bounded by a limit, so a sweep
 * over millions of rows is many short transactions, never one long one.
 */
import type { Queryable } from './connection.ts';

// scheduled_runs_finished_idx (finished runs scheduled alone, by the time they started or were
// cancelled): the oldest, at most $2.
const loneRunsStatement = `
  delete from nightshift.scheduled_runs where id in (
    select id from nightshift.scheduled_runs
    where batch_id is null and status <> 'SCHEDULED' and coalesce(started_at, cancelled_at) < $1
    order by coalesce(started_at, cancelled_at)
    limit $2)`;

/** Deletes at most `limit` runs scheduled alone that started or were cancelled before `cutoff`; answers how many. */
export async function deleteFinishedLoneRuns(sql: Queryable, cutoff: Date, limit: number): Promise<number> {
  const rows = await sql.unsafe(loneRunsStatement, [cutoff, limit] as never, { prepare: true });
  return rows.count;
}

/** The ids of a list's runs: the list's id up to its last 48 bits, then the item index (scheduled-runs.ts). */
const firstRun = (batch: string) => `(left(${batch}::text, 24) || '000000000000')::uuid`;
const lastRun = (batch: string) => `(left(${batch}::text, 24) || 'ffffffffffff')::uuid`;

// scheduled_batches_created_at_idx, oldest first; a list is finished when its counters say every item
// started and ended or was cancelled, its on-complete workflow (if any, and if anything started) was
// started, and nothing of it happened since the cutoff (its runs by id range on scheduled_runs_pkey).
const finishedBatchesStatement = `
  select b.id from nightshift.scheduled_batches b
  where b.created_at < $1
    and b.started + b.cancelled = b.total and b.succeeded + b.failed = b.started
    and (b.on_complete_workflow is null or b.started = 0 or b.on_complete_started_at < $1)
    and not exists (
      select 1 from nightshift.scheduled_runs r
      where r.id between ${firstRun('b.id')} and ${lastRun('b.id')}
        and greatest(r.started_at, r.ended_at, r.cancelled_at) >= $1)
  order by b.created_at
  limit $2`;

/** At most `limit` lists that finished before `cutoff`, oldest first. */
export async function findFinishedBatches(sql: Queryable, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await sql.unsafe<Array<{ id: string }>>(finishedBatchesStatement, [cutoff, limit] as never, { prepare: true });
  return rows.map((r) => r.id);
}

// scheduled_runs_pkey, one id range per list.
const batchRunsStatement = `
  delete from nightshift.scheduled_runs where id in (
    select r.id from unnest($1::uuid[]) as b (id)
    join nightshift.scheduled_runs r on r.id between ${firstRun('b.id')} and ${lastRun('b.id')}
    limit $2)`;

/** Deletes at most `limit` runs of these lists; answers how many. */
export async function deleteBatchRuns(sql: Queryable, batchIds: readonly string[], limit: number): Promise<number> {
  const rows = await sql.unsafe(batchRunsStatement, [batchIds as string[], limit] as never, { prepare: true });
  return rows.count;
}

// scheduled_batches_pkey.
export async function deleteBatches(sql: Queryable, batchIds: readonly string[]): Promise<number> {
  const rows = await sql.unsafe('delete from nightshift.scheduled_batches where id = any($1::uuid[])', [batchIds as string[]] as never, { prepare: true });
  return rows.count;
}
