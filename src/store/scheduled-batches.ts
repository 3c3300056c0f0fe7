/**
 * Scheduled batches: a list's counters and what moves it on (a sequential list's next item, the
 * on-complete workflow of a finished one). Every run of a list updates its batch's one row: the
 * statements that do so keep the row lock short (scheduled-run-jobs.ts).
 */
import type { Json } from '../shared/index.ts';
import type { Queryable } from './connection.ts';
import { scheduledStartPayloadSql } from './job-payloads.ts';
import { itemsHash, scheduledStartJobKind, type BatchOrdering } from './scheduled-runs.ts';

export interface ScheduledBatchRow {
  id: string;
  workflowName: string;
  ordering: BatchOrdering;
  intervalSeconds: number;
  startAt: Date;
  total: number;
  started: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  idempotencyKey: string | null;
  onCompleteWorkflow: string | null;
  onCompleteInput: Json | null;
  onCompleteStartedAt: Date | null;
  onCompleteExecutionId: string | null;
  onCompleteError: string | null;
  createdAt: Date;
}

type BatchRecord = {
  id: string; workflow_name: string; ordering: BatchOrdering; interval_seconds: number; start_at: Date; total: number; started: number;
  succeeded: number; failed: number; cancelled: number; idempotency_key: string | null; on_complete_workflow: string | null;
  on_complete_input: Json | null; on_complete_started_at: Date | null; on_complete_execution_id: string | null; on_complete_error: string | null; created_at: Date;
};

function toBatch(r: BatchRecord): ScheduledBatchRow {
  return {
    id: r.id, workflowName: r.workflow_name, ordering: r.ordering, intervalSeconds: r.interval_seconds, startAt: r.start_at, total: r.total,
    started: r.started, succeeded: r.succeeded, failed: r.failed, cancelled: r.cancelled, idempotencyKey: r.idempotency_key,
    onCompleteWorkflow: r.on_complete_workflow, onCompleteInput: r.on_complete_input, onCompleteStartedAt: r.on_complete_started_at,
    onCompleteExecutionId: r.on_complete_execution_id, onCompleteError: r.on_complete_error, createdAt: r.created_at,
  };
}

export interface CounterChange {
  started?: number;
  succeeded?: number;
  failed?: number;
  cancelled?: number;
}

// scheduled_batches_pkey. Callers make this their last statement before commit: every run of a
// batch updates this one row, and its lock is held until commit.
export async function changeBatchCounters(sql: Queryable, batchId: string, change: CounterChange): Promise<ScheduledBatchRow | null> {
  const [row] = await sql.unsafe<BatchRecord[]>(
    `update nightshift.scheduled_batches
     set started = started + $2, succeeded = succeeded + $3, failed = failed + $4, cancelled = cancelled + $5
     where id = $1 returning *`,
    [batchId, change.started ?? 0, change.succeeded ?? 0, change.failed ?? 0, change.cancelled ?? 0] as never,
    { prepare: true },
  );
  return row ? toBatch(row) : null;
}

// scheduled_batches_pkey.
export async function getScheduledBatch(sql: Queryable, id: string): Promise<ScheduledBatchRow | null> {
  const [row] = await sql.unsafe<BatchRecord[]>('select * from nightshift.scheduled_batches where id = $1', [id], { prepare: true });
  return row ? toBatch(row) : null;
}

// scheduled_batches_caller_idempotency_key_idx: the key in the caller scope of `identity`; `sameInput`
// compares the items' hash (a batch from before the hash was kept matches any items).
export async function findScheduledBatchByKey(
  sql: Queryable, workflowName: string, idempotencyKey: string, asking: { identity: Json | null; items: readonly Json[] },
): Promise<(ScheduledBatchRow & { sameInput: boolean }) | null> {
  const [row] = await sql.unsafe<Array<BatchRecord & { same_input: boolean }>>(
    `select *, coalesce(input_hash = ${itemsHash('$4')}, true) as same_input from nightshift.scheduled_batches
     where workflow_name = $1 and caller_scope = nightshift.caller_scope($3::jsonb) and idempotency_key = $2`,
    [workflowName, idempotencyKey, asking.identity === null ? null : sql.json(asking.identity as never), sql.json(asking.items as never)] as never,
    { prepare: true },
  );
  return row ? { ...toBatch(row), sameInput: row.same_input } : null;
}

/**
 * The jobs that move batches on, as SQL over `batches`, a relation with the columns of
 * scheduled_batches as they are after the change (its own statement, or a CTE's RETURNING). Shared
 * by the statements below and by the job handlers' single statements (scheduled-run-jobs.ts).
 *
 * Next: scheduled_runs_batch_id_item_index_idx for each: the lowest waiting item (other than those
 * in `excluded`, a uuid[] expression: runs the same statement just marked) of each sequential batch with nothing running gets its job,
 * due at its own time or now. A job already there (dedupe key) stays as it is.
 */
export function nextItemJobsSql(batches: string, now: string, excluded = 'array[]::uuid[]'): string {
  return `
  insert into nightshift.jobs (kind, payload, run_at, dedupe_key)
  select '${scheduledStartJobKind}', ${scheduledStartPayloadSql('runId', 'next.id')}, greatest(next.due_at, ${now}), 'scheduled:' || next.id
  from ${batches}
  cross join lateral (
    select r.id, r.due_at from nightshift.scheduled_runs r
    where r.batch_id = b.id and r.status = 'SCHEDULED' and r.id <> all(${excluded})
    order by r.item_index
    limit 1
  ) next
  where b.ordering = 'sequential' and b.started = b.succeeded + b.failed
  on conflict (dedupe_key) do nothing
  returning run_at`;
}

/**
 * Completion: every item has ended or was cancelled, at least one ran, and the on-complete workflow
 * has not started: its job (dedupe key per batch) starts it.
 */
export function completionJobsSql(batches: string, now: string): string {
  return `
  insert into nightshift.jobs (kind, payload, run_at, dedupe_key)
  select '${scheduledStartJobKind}', ${scheduledStartPayloadSql('batchId', 'b.id')}, ${now}, 'scheduled-batch:' || b.id
  from ${batches}
  where b.on_complete_workflow is not null and b.on_complete_started_at is null
    and b.started > 0 and b.succeeded + b.failed + b.cancelled = b.total
  on conflict (dedupe_key) do nothing
  returning id`;
}

const batchesById = '(select * from nightshift.scheduled_batches where id = any($1::uuid[])) b';
const enqueueNextStatement = nextItemJobsSql(batchesById, '$2::timestamptz');

/** Sequential batches: the next item's job once the previous item has ended. Answers whether one is due now. */
export async function enqueueNextSequentialRuns(sql: Queryable, batchIds: readonly string[], now: Date): Promise<boolean> {
  if (batchIds.length === 0) return false;
  const rows = await sql.unsafe<Array<{ run_at: Date }>>(enqueueNextStatement, [batchIds as string[], now] as never, { prepare: true });
  return rows.some((r) => r.run_at.getTime() <= now.getTime());
}

const enqueueCompletionStatement = completionJobsSql(batchesById, '$2::timestamptz');

/** Batches that are done get the job that starts their on-complete workflow. Answers whether any did. */
export async function enqueueBatchCompletions(sql: Queryable, batchIds: readonly string[], now: Date): Promise<boolean> {
  if (batchIds.length === 0) return false;
  const rows = await sql.unsafe(enqueueCompletionStatement, [batchIds as string[], now] as never, { prepare: true });
  return rows.length > 0;
}

// scheduled_batches_pkey. Once per batch.
export async function markBatchCompletion(
  sql: Queryable,
  batchId: string,
  outcome: { executionId: string | null; error: string | null },
  now: Date,
): Promise<boolean> {
  const rows = await sql.unsafe(
    `update nightshift.scheduled_batches
     set on_complete_started_at = $4, on_complete_execution_id = $2, on_complete_error = $3
     where id = $1 and on_complete_started_at is null returning id`,
    [batchId, outcome.executionId, outcome.error, now] as never,
    { prepare: true },
  );
  return rows.length > 0;
}

