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
import { jobKinds, scheduledKeyPrefixes, scheduledStartPayloadSql } from './job-kinds.ts';

export type ScheduledRunStatus = 'SCHEDULED' | 'STARTED' | 'CANCELLED';
export type BatchOrdering = 'parallel' | 'sequential';


export interface ScheduledRunRow {
  id: string;
  workflowName: string;
  input: Json;
  /** The time it was scheduled for; Run now leaves it as it was. */
  dueAt: Date;
  /** When Run now made it due ahead of dueAt; null if it waited for its time. */
  runNowAt: Date | null;
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
  run_now_at: Date | null;
};

export function toScheduledRun(r: RunRecord): ScheduledRunRow {
  return {
    id: r.id, workflowName: r.workflow_name, input: r.input, dueAt: r.due_at, runNowAt: r.run_now_at ?? null, status: r.status, batchId: r.batch_id, itemIndex: r.item_index,
    executionId: r.execution_id, endedStatus: r.ended_status, error: r.error, idempotencyKey: r.idempotency_key, parentId: r.parent_id,
    rootId: r.root_id, depth: r.depth, identity: r.identity, createdAt: r.created_at, startedAt: r.started_at, endedAt: r.ended_at, cancelledAt: r.cancelled_at,
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

/**
 * "The run still waits" in the statements that find runs by id. Not written `status = 'SCHEDULED'`: that
 * implies the predicate of the partial indexes on waiting runs, which all end in `id`, and the planner may
 * then read one of them whole, checking `id` on every entry, when the statistics say the table is small.
 * Measured in a burst of 10 000 runs due within a second (statistics taken on the empty table): finding
 * 23 runs to mark started read 1 680 buffers in 3.4 ms; through scheduled_runs_pkey, ~3 buffers a run.
 */
export const stillWaiting = (run: string): string => `coalesce(${run}.status = 'SCHEDULED', false)`;

// The run and its job in one statement. ON CONFLICT relies on
// scheduled_runs_caller_idempotency_key_idx: a key repeated by the same caller scope inserts nothing (and no job).
const insertRunStatement = `
  with run as (
    insert into nightshift.scheduled_runs
      (id, workflow_name, input, due_at, idempotency_key, parent_id, root_id, depth, identity, created_at, caller_scope)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, nightshift.caller_scope($9::jsonb))
    on conflict (workflow_name, caller_scope, idempotency_key) where idempotency_key is not null do nothing
    returning *
  ), job as (
    insert into nightshift.jobs (kind, payload, run_at, dedupe_key)
    select '${jobKinds.scheduledStart}', ${scheduledStartPayloadSql('runId', 'id')}, due_at, '${scheduledKeyPrefixes.run}' || id from run
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

/** SHA-256 (hex) of a list of items as jsonb text: jsonb is canonical, so key order and spacing do not count. */
export const itemsHash = (parameter: string): string => `encode(sha256(convert_to(${parameter}::jsonb::text, 'UTF8')), 'hex')`;

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
// inserted only if the batch was (its idempotency key, scheduled_batches_caller_idempotency_key_idx,
// was free in the caller scope of the identity $11).
const insertBatchStatement = `
  with batch as (
    insert into nightshift.scheduled_batches
      (id, workflow_name, ordering, interval_seconds, start_at, total, idempotency_key, on_complete_workflow, on_complete_input, created_at,
       caller_scope, input_hash)
    values ($1, $2, $3, $4, $5, jsonb_array_length($6::jsonb), $7, $8, $9, $10, nightshift.caller_scope($11::jsonb), ${itemsHash('$6')})
    on conflict (workflow_name, caller_scope, idempotency_key) where idempotency_key is not null do nothing
    returning id
  ), runs as (
    insert into nightshift.scheduled_runs (id, workflow_name, input, due_at, batch_id, item_index, identity, created_at)
    select (left(batch.id::text, 24) || lpad(to_hex(item.ordinality - 1), 12, '0'))::uuid, $2, item.value, $5::timestamptz + (item.ordinality - 1) * $4::float8 * interval '1 second',
           batch.id, item.ordinality - 1, $11, $10
    from batch cross join jsonb_array_elements($6::jsonb) with ordinality as item (value, ordinality)
    returning id, due_at, item_index
  ), jobs as (
    insert into nightshift.jobs (kind, payload, run_at, dedupe_key)
    select '${jobKinds.scheduledStart}', ${scheduledStartPayloadSql('runId', 'runs.id')}, runs.due_at, '${scheduledKeyPrefixes.run}' || runs.id
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

// scheduled_runs_pkey.
export async function getScheduledRuns(sql: Queryable, ids: readonly string[]): Promise<ScheduledRunRow[]> {
  const rows = await sql.unsafe<RunRecord[]>('select * from nightshift.scheduled_runs where id = any($1::uuid[])', [ids as string[]] as never, { prepare: true });
  return rows.map(toScheduledRun);
}

// scheduled_runs_caller_idempotency_key_idx: the key in the caller scope of `identity`; `sameInput` compares as jsonb.
export async function findScheduledRunByKey(
  sql: Queryable, workflowName: string, idempotencyKey: string, asking: { identity: Json | null; input: Json },
): Promise<(ScheduledRunRow & { sameInput: boolean }) | null> {
  const [row] = await sql.unsafe<Array<RunRecord & { same_input: boolean }>>(
    `select *, input = $4::jsonb as same_input from nightshift.scheduled_runs
     where workflow_name = $1 and caller_scope = nightshift.caller_scope($3::jsonb) and idempotency_key = $2`,
    [workflowName, idempotencyKey, asking.identity === null ? null : sql.json(asking.identity as never), sql.json(asking.input as never)] as never,
    { prepare: true },
  );
  return row ? { ...toScheduledRun(row), sameInput: row.same_input } : null;
}

// scheduled_runs_pkey. The start was refused for good (the input no longer matches, a chain limit).
export async function markRunRefused(sql: Queryable, id: string, error: string, now: Date): Promise<boolean> {
  const rows = await sql.unsafe(
    `update nightshift.scheduled_runs set status = 'CANCELLED', cancelled_at = $3, error = $2
     where id = $1 and ${stillWaiting('scheduled_runs')} returning id`,
    [id, error, now] as never,
    { prepare: true },
  );
  return rows.length > 0;
}
