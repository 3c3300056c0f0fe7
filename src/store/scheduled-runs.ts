/**
 * Scheduled runs and their batches. A waiting run has exactly one `scheduled-start` job (dedupe key
 * `scheduled:<run id>`) written in the same statement as the run, and cancelling deletes that job in
 * the same statement as it flips the run. The job row is the mutex between a cancel and a start: a
 * cancel only takes runs whose job it could delete while nobody leased it, and a start only marks
 * its run while it still holds the job's lease. Sequential batches keep one job at a time, for the
 * lowest waiting item, enqueued when nothing of the batch runs (enqueueNextSequentialRuns).
 */
import type { Json } from '../shared/index.ts';
import type { Queryable } from './connection.ts';

export type ScheduledRunStatus = 'SCHEDULED' | 'STARTED' | 'CANCELLED';
export type BatchOrdering = 'parallel' | 'sequential';

/** The job kind that starts a scheduled run (`{runId}`) or a batch's on-complete workflow (`{batchId}`). */
export const scheduledStartJobKind = 'scheduled-start';

export interface ScheduledRunRow {
  id: string;
  workflowName: string;
  input: Json;
  dueAt: Date;
  status: ScheduledRunStatus;
  batchId: string | null;
  itemIndex: number | null;
  executionId: string | null;
  endedStatus: string | null;
  error: string | null;
  idempotencyKey: string | null;
  parentId: string | null;
  rootId: string | null;
  depth: number;
  identity: Json | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  cancelledAt: Date | null;
}

type RunRecord = {
  id: string; workflow_name: string; input: Json; due_at: Date; status: ScheduledRunStatus; batch_id: string | null; item_index: number | null;
  execution_id: string | null; ended_status: string | null; error: string | null; idempotency_key: string | null; parent_id: string | null;
  root_id: string | null; depth: number; identity: Json | null; created_at: Date; started_at: Date | null; ended_at: Date | null; cancelled_at: Date | null;
};

export function toScheduledRun(r: RunRecord): ScheduledRunRow {
  return {
    id: r.id, workflowName: r.workflow_name, input: r.input, dueAt: r.due_at, status: r.status, batchId: r.batch_id, itemIndex: r.item_index,
    executionId: r.execution_id, endedStatus: r.ended_status, error: r.error, idempotencyKey: r.idempotency_key, parentId: r.parent_id,
    rootId: r.root_id, depth: r.depth, identity: r.identity, createdAt: r.created_at, startedAt: r.started_at, endedAt: r.ended_at, cancelledAt: r.cancelled_at,
  };
}

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

export interface NewScheduledRun {
  id: string;
  workflowName: string;
  input: Json;
  dueAt: Date;
  idempotencyKey: string | null;
  /** Set when a workflow scheduled it: the chain the started execution joins. */
  chain: { parentId: string; rootId: string; depth: number } | null;
  identity: Json | null;
  now: Date;
}

// The run and its job in one statement. ON CONFLICT relies on
// scheduled_runs_workflow_name_idempotency_key_idx: a repeated key inserts nothing (and no job).
const insertRunStatement = `
  with run as (
    insert into nightshift.scheduled_runs
      (id, workflow_name, input, due_at, idempotency_key, parent_id, root_id, depth, identity, created_at)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    on conflict (workflow_name, idempotency_key) where idempotency_key is not null do nothing
    returning *
  ), job as (
    insert into nightshift.jobs (kind, payload, run_at, dedupe_key)
    select '${scheduledStartJobKind}', jsonb_build_object('runId', id), due_at, 'scheduled:' || id from run
  )
  select * from run`;

/** Inserts the run with its job; null when its idempotency key was taken (nothing was written). */
export async function insertScheduledRun(sql: Queryable, run: NewScheduledRun): Promise<ScheduledRunRow | null> {
  const [row] = await sql.unsafe<RunRecord[]>(
    insertRunStatement,
    [run.id, run.workflowName, sql.json(run.input as never), run.dueAt, run.idempotencyKey, run.chain?.parentId ?? null,
      run.chain?.rootId ?? null, run.chain?.depth ?? 0, run.identity === null ? null : sql.json(run.identity as never), run.now] as never,
    { prepare: true },
  );
  return row ? toScheduledRun(row) : null;
}

export interface NewScheduledBatch {
  id: string;
  workflowName: string;
  ordering: BatchOrdering;
  intervalSeconds: number;
  startAt: Date;
  idempotencyKey: string | null;
  onComplete: { workflow: string; input: Json } | null;
  identity: Json | null;
  now: Date;
}

// $6 is the list as one JSON array: one statement for any number of items (a JSON parameter has no
// 65 535-parameter limit), the batch, its runs and their jobs together. Item i is due at
// start + i * interval; its id is the batch id's first 96 bits and i (uuids order as their text, so
// ties in due order list in item order). A sequential batch gets a job for item 0 only. Runs are
// inserted only if the batch was (its idempotency key, scheduled_batches_workflow_name_idempotency_key_idx,
// was free).
const insertBatchStatement = `
  with batch as (
    insert into nightshift.scheduled_batches
      (id, workflow_name, ordering, interval_seconds, start_at, total, idempotency_key, on_complete_workflow, on_complete_input, created_at)
    values ($1, $2, $3, $4, $5, jsonb_array_length($6::jsonb), $7, $8, $9, $10)
    on conflict (workflow_name, idempotency_key) where idempotency_key is not null do nothing
    returning id
  ), runs as (
    insert into nightshift.scheduled_runs (id, workflow_name, input, due_at, batch_id, item_index, identity, created_at)
    select (left(batch.id::text, 24) || lpad(to_hex(item.ordinality - 1), 12, '0'))::uuid, $2, item.value, $5::timestamptz + (item.ordinality - 1) * $4::float8 * interval '1 second',
           batch.id, item.ordinality - 1, $11, $10
    from batch cross join jsonb_array_elements($6::jsonb) with ordinality as item (value, ordinality)
    returning id, due_at, item_index
  ), jobs as (
    insert into nightshift.jobs (kind, payload, run_at, dedupe_key)
    select '${scheduledStartJobKind}', jsonb_build_object('runId', runs.id), runs.due_at, 'scheduled:' || runs.id
    from runs
    where $3::text = 'parallel' or runs.item_index = 0
  )
  select (select count(*) from batch)::int as created, count(*)::int as count, min(due_at) as first_due_at, max(due_at) as last_due_at
  from runs`;

export interface InsertedBatch {
  /** False when the idempotency key was taken: nothing was written. */
  created: boolean;
  count: number;
  firstDueAt: Date | null;
  lastDueAt: Date | null;
}

/** Inserts a batch, one run per item and their jobs, in one statement. */
export async function insertScheduledBatch(sql: Queryable, batch: NewScheduledBatch, items: readonly Json[]): Promise<InsertedBatch> {
  const [row] = await sql.unsafe<Array<{ created: number; count: number; first_due_at: Date | null; last_due_at: Date | null }>>(
    insertBatchStatement,
    [batch.id, batch.workflowName, batch.ordering, batch.intervalSeconds, batch.startAt, sql.json(items as never), batch.idempotencyKey,
      batch.onComplete?.workflow ?? null, batch.onComplete ? sql.json(batch.onComplete.input as never) : null, batch.now,
      batch.identity === null ? null : sql.json(batch.identity as never)] as never,
    { prepare: true },
  );
  return { created: row.created > 0, count: row.count, firstDueAt: row.first_due_at, lastDueAt: row.last_due_at };
}

// scheduled_runs_pkey.
export async function getScheduledRun(sql: Queryable, id: string): Promise<ScheduledRunRow | null> {
  const [row] = await sql.unsafe<RunRecord[]>('select * from nightshift.scheduled_runs where id = $1', [id], { prepare: true });
  return row ? toScheduledRun(row) : null;
}

// scheduled_runs_workflow_name_idempotency_key_idx.
export async function findScheduledRunByKey(sql: Queryable, workflowName: string, idempotencyKey: string): Promise<ScheduledRunRow | null> {
  const [row] = await sql.unsafe<RunRecord[]>(
    'select * from nightshift.scheduled_runs where workflow_name = $1 and idempotency_key = $2',
    [workflowName, idempotencyKey],
    { prepare: true },
  );
  return row ? toScheduledRun(row) : null;
}

// scheduled_runs_pkey. The start was refused for good (the input no longer matches, a chain limit).
export async function markRunRefused(sql: Queryable, id: string, error: string, now: Date): Promise<boolean> {
  const rows = await sql.unsafe(
    `update nightshift.scheduled_runs set status = 'CANCELLED', cancelled_at = $3, error = $2
     where id = $1 and status = 'SCHEDULED' returning id`,
    [id, error, now] as never,
    { prepare: true },
  );
  return rows.length > 0;
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

// scheduled_batches_workflow_name_idempotency_key_idx.
export async function findScheduledBatchByKey(sql: Queryable, workflowName: string, idempotencyKey: string): Promise<ScheduledBatchRow | null> {
  const [row] = await sql.unsafe<BatchRecord[]>(
    'select * from nightshift.scheduled_batches where workflow_name = $1 and idempotency_key = $2',
    [workflowName, idempotencyKey],
    { prepare: true },
  );
  return row ? toBatch(row) : null;
}

/**
 * The jobs that move batches on, as SQL over `batches`, a relation with the columns of
 * scheduled_batches as they are after the change (its own statement, or a CTE's RETURNING). Shared
 * by the statements below and by the job handlers' single statements (scheduled-run-jobs.ts).
 *
 * Next: scheduled_runs_batch_id_item_index_idx for each: the lowest waiting item (other than
 * `exclude`, a uuid expression or null) of each sequential batch with nothing running gets its job,
 * due at its own time or now. A job already there (dedupe key) stays as it is.
 */
export function nextItemJobsSql(batches: string, now: string, exclude = 'null::uuid'): string {
  return `
  insert into nightshift.jobs (kind, payload, run_at, dedupe_key)
  select '${scheduledStartJobKind}', jsonb_build_object('runId', next.id), greatest(next.due_at, ${now}), 'scheduled:' || next.id
  from ${batches}
  cross join lateral (
    select r.id, r.due_at from nightshift.scheduled_runs r
    where r.batch_id = b.id and r.status = 'SCHEDULED' and r.id is distinct from ${exclude}
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
  select '${scheduledStartJobKind}', jsonb_build_object('batchId', b.id), ${now}, 'scheduled-batch:' || b.id
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

