/**
 * Executions and their branches. A branch (one Parallel branch or Map iteration) is a row of its own
 * with its own snapshot, so branches step concurrently on different workers; the parent's snapshot
 * keeps only counters. Every function runs fixed statements; the step runs them in one transaction.
 */
import type { Json, JsonObject } from '../shared/index.ts';
import type { Queryable } from './connection.ts';
import { historyBatchRow, insertHistoryFrom, type NewHistoryEvent } from './history.ts';
import { insertJobsFrom, jobRecords, leasedIdsOf, leasedReturning, type LeasedJobIds, type NewJob } from './jobs.ts';
import { hashToken } from './task-tokens.ts';
import { toRow, type Record_ } from './execution-record.ts';

export type StoredStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRow {
  id: string;
  kind: 'execution' | 'branch';
  workflowName: string;
  versionId: string;
  name: string;
  status: StoredStatus;
  mode: 'persistent' | 'transient';
  input: Json;
  output: Json | null;
  error: string | null;
  cause: string | null;
  parentId: string | null;
  rootId: string;
  identity: Json | null;
  progress: Json | null;
  snapshot: Json | null;
  idempotencyKey: string | null;
  redriveCount: number;
  /** Branches: the execution the branch belongs to. */
  ownerId: string | null;
  groupId: string | null;
  childIndex: number | null;
  machineId: string;
  outerVars: JsonObject | null;
  eventCount: number;
  callbackTokenHash: string | null;
  depth: number;
  notifyOnEnd: boolean;
  /** W3C traceparent the execution's spans hang under; null when it is not traced. */
  traceparent: string | null;
  startedAt: Date;
  stoppedAt: Date | null;
  updatedAt: Date;
}

export interface NewExecution {
  id: string;
  workflowName: string;
  versionId: string;
  name: string;
  mode: 'persistent' | 'transient';
  input: Json;
  parentId: string | null;
  rootId: string;
  identity: Json | null;
  idempotencyKey: string | null;
  /** A parent task's token (workflow:start.sync): answered when this execution ends. Stored hashed. */
  callbackToken?: string | null;
  /** workflow:start hops from the chain's root (0 for a root). */
  depth?: number;
  /** Enqueue an `execution-ended` job when it ends (triggers keep counters with it). */
  notifyOnEnd?: boolean;
  /** W3C traceparent: the caller's at first; the runtime replaces it with the execution's root span when tracing is on. */
  traceparent?: string | null;
  startedAt: Date;
}

/**
 * Inserts many executions in one statement (a JSON parameter: no parameter limit) and answers the rows
 * inserted, which the inserting transaction holds. Those whose name or idempotency key is taken are
 * left out (executions_workflow_name_name_key, executions_caller_idempotency_key_idx: keys are unique per
 * caller scope, nightshift.caller_scope(identity)).
 */
export async function insertExecutions(sql: Queryable, executions: readonly NewExecution[]): Promise<ExecutionRow[]> {
  if (executions.length === 0) return [];
  const rows = executions.map((e) => ({
    id: e.id, workflow_name: e.workflowName, version_id: e.versionId, name: e.name, mode: e.mode, input: e.input,
    parent_id: e.parentId, root_id: e.rootId, identity: e.identity, idempotency_key: e.idempotencyKey,
    started_at: e.startedAt.toISOString(), callback_token_hash: e.callbackToken ? hashToken(e.callbackToken) : null,
    depth: e.depth ?? 0, notify_on_end: e.notifyOnEnd ?? false, traceparent: e.traceparent ?? null,
  }));
  const records = await sql.unsafe<Record_[]>(
    `insert into nightshift.executions
       (id, kind, workflow_name, version_id, name, status, mode, input, parent_id, root_id, identity, idempotency_key, started_at, updated_at,
        callback_token_hash, depth, notify_on_end, caller_scope, traceparent)
     select n.id, 'execution', n.workflow_name, n.version_id, n.name, 'RUNNING', n.mode, coalesce(n.input, 'null'::jsonb), n.parent_id, n.root_id,
            n.identity, n.idempotency_key, n.started_at, n.started_at, n.callback_token_hash, n.depth, n.notify_on_end,
            nightshift.caller_scope(n.identity), n.traceparent
     from jsonb_to_recordset($1::jsonb) as n(id uuid, workflow_name text, version_id text, name text, mode text, input jsonb, parent_id uuid,
       root_id uuid, identity jsonb, idempotency_key text, started_at timestamptz, callback_token_hash text, depth int, notify_on_end boolean,
       traceparent text)
     on conflict do nothing
     returning *`,
    [sql.json(rows as never)] as never,
    { prepare: true },
  );
  return records.map(toRow);
}

// executions_caller_idempotency_key_idx: each key is looked up in the scope of the identity it was started with.
export async function findExecutionsByKeys(
  sql: Queryable, workflowName: string, keys: ReadonlyArray<{ key: string; identity: Json | null }>,
): Promise<Map<string, string>> {
  const rows = await sql.unsafe<Array<{ id: string; idempotency_key: string }>>(
    `select e.id, e.idempotency_key
     from jsonb_to_recordset($2::jsonb) as k(key text, identity jsonb)
     join nightshift.executions e
       on e.workflow_name = $1 and e.caller_scope = nightshift.caller_scope(k.identity) and e.idempotency_key = k.key and e.kind = 'execution'`,
    [workflowName, sql.json(keys as never)] as never, { prepare: true });
  return new Map(rows.map((r) => [r.idempotency_key, r.id]));
}

/** An execution found by its idempotency key or name, with how it compares to the start asking for it. */
export type ExecutionMatch = ExecutionRow & {
  /** Started by the same caller scope as the asking identity. */
  sameCaller: boolean;
  /** Started with an input equal (as jsonb: key order and spacing do not count) to the asked one. */
  sameInput: boolean;
};

/**
 * By idempotency key: only in the caller scope of `identity` (executions_caller_idempotency_key_idx).
 * By name: names are unique per workflow (executions_workflow_name_name_key); `sameCaller` says whose it is.
 */
export async function findExecutionByKey(
  sql: Queryable, workflowName: string, key: { name?: string; idempotencyKey?: string }, asking: { identity: Json | null; input: Json },
): Promise<ExecutionMatch | null> {
  const compared = `select *, caller_scope = nightshift.caller_scope($3::jsonb) as same_caller, input = $4::jsonb as same_input
     from nightshift.executions where workflow_name = $1 and kind = 'execution'`;
  const identity = asking.identity === null ? null : sql.json(asking.identity as never);
  const [row] = key.idempotencyKey !== undefined
    ? await sql.unsafe<Array<Record_ & { same_caller: boolean; same_input: boolean }>>(
        `${compared} and caller_scope = nightshift.caller_scope($3::jsonb) and idempotency_key = $2`,
        [workflowName, key.idempotencyKey, identity, sql.json(asking.input as never)] as never, { prepare: true })
    : await sql.unsafe<Array<Record_ & { same_caller: boolean; same_input: boolean }>>(
        `${compared} and name = $2`,
        [workflowName, key.name ?? '', identity, sql.json(asking.input as never)] as never, { prepare: true });
  return row ? { ...toRow(row), sameCaller: row.same_caller, sameInput: row.same_input } : null;
}


/**
 * A step transaction's first statement: lock the rows (in id order, so two workers' batches never
 * deadlock on each other) and delete the jobs that carried their events, only those this worker still
 * holds, in one round trip. executions_pkey, jobs_pkey. Answers the rows found (an execution that is
 * gone has none: its jobs went with it) and the ids of the jobs that were held. A data-modifying CTE
 * runs to completion even when the select finds no row.
 */
export async function lockExecutionsAndCompleteJobs(
  sql: Queryable,
  ids: readonly string[],
  workerId: string,
  jobIds: readonly number[],
): Promise<{ rows: Map<string, ExecutionRow>; held: Set<number> }> {
  const records = await sql.unsafe<Array<Record_ & { held_job_ids: number[] }>>(
    `with done as (
       delete from nightshift.jobs where id = any($2::bigint[]) and lease_owner = $3::text returning id, execution_id
     )
     select e.*, array(select done.id from done where done.execution_id = e.id) as held_job_ids
     from nightshift.executions e
     where e.id = any($1::uuid[])
     order by e.id
     for no key update of e`,
    [ids as string[], jobIds as number[], workerId] as never,
    { prepare: true },
  );
  const rows = new Map<string, ExecutionRow>();
  const held = new Set<number>();
  for (const record of records) {
    rows.set(record.id, toRow(record));
    for (const id of record.held_job_ids) held.add(Number(id));
  }
  return { rows, held };
}

// executions_pkey.
export async function getExecution(sql: Queryable, id: string): Promise<ExecutionRow | null> {
  const [row] = await sql.unsafe<Record_[]>('select * from nightshift.executions where id = $1', [id], { prepare: true });
  return row ? toRow(row) : null;
}

export interface ExecutionUpdate {
  status: StoredStatus;
  snapshot: Json;
  output: Json | null;
  error: string | null;
  cause: string | null;
  eventCount: number;
  stoppedAt: Date | null;
  updatedAt: Date;
}

/** One step's writes to its own row and history: the row's new state, events numbered from `firstSeq`. */
export interface StepWrite {
  id: string;
  update: ExecutionUpdate;
  firstSeq: number;
  events: readonly NewHistoryEvent[];
}

/**
 * The writes of any number of steps in one statement (one round trip): every row's new state, every
 * history batch and the jobs the steps add (a start's invoke job, a timer, ...). Rows, events and jobs
 * travel as JSON parameters (no 65 535-parameter limit). Jobs called off by the same steps must be
 * deleted before (a new job may reuse a called-off job's dedupe key).
 * executions_pkey, history_pkey: the ids come again as an array so that the rows are found
 * through the index whatever the statistics say (joined to the JSON rows alone, the planner guessed
 * 100 of them and scanned the whole table on every step: 1.1 ms at 10 000 executions, growing).
 */
export async function saveStepStates(sql: Queryable, writes: readonly StepWrite[], jobs: readonly NewJob[] = []): Promise<LeasedJobIds> {
  if (writes.length === 0) return new Map();
  const rows = writes.map(({ id, update: u }) => ({
    id, status: u.status, snapshot: u.snapshot, output: u.output, error: u.error, cause: u.cause,
    event_count: u.eventCount, stopped_at: u.stoppedAt?.toISOString() ?? null, updated_at: u.updatedAt.toISOString(),
  }));
  // One history row per thread per step: its events in order (history.ts).
  const history = writes.filter((w) => w.events.length > 0).map((w) => historyBatchRow(w.id, w.firstSeq, w.events));
  const params = [sql.json(rows as never), sql.json(history as never), writes.map((w) => w.id)];
  if (jobs.length === 0) {
    await sql.unsafe(`${saveRowsAndEvents} ${insertEvents}`, params as never, { prepare: true });
    return new Map();
  }
  params.push(sql.json(jobRecords(jobs) as never));
  const inserted = await sql.unsafe<Array<{ id: string; dedupe_key: string | null; leased: boolean }>>(
    `${saveRowsAndEvents}, events as (${insertEvents}) ${insertJobsFrom(4)} returning ${leasedReturning}`, params as never, { prepare: true });
  return leasedIdsOf(inserted);
}

// $1 rows, $3 their ids (saveStepStates).
const saveRowsAndEvents = `
  with saved as (
    update nightshift.executions e
    set status = u.status, snapshot = u.snapshot, output = u.output, error = u.error, cause = u.cause,
        event_count = u.event_count, stopped_at = u.stopped_at, updated_at = u.updated_at
    from jsonb_to_recordset($1::jsonb) as u(id uuid, status text, snapshot jsonb, output jsonb, error text, cause text,
      event_count int, stopped_at timestamptz, updated_at timestamptz)
    where e.id = any($3::uuid[]) and e.id = u.id
    returning e.id
  )`;

// $2 history batches, one per thread (saveStepStates).
const insertEvents = insertHistoryFrom(2);

/** Stores progress on the execution a thread belongs to (a branch reports for the execution that owns it). */
export async function saveProgress(sql: Queryable, id: string, progress: Json): Promise<void> {
  // executions_pkey, once per level of branch nesting.
  await sql.unsafe(
    `with recursive owner as (
       select id, parent_id, kind from nightshift.executions where id = $1
       union all
       select e.id, e.parent_id, e.kind from nightshift.executions e join owner o on e.id = o.parent_id where o.kind = 'branch'
     )
     update nightshift.executions set progress = $2, updated_at = now()
     where id = (select id from owner where kind = 'execution' limit 1)`,
    [id, sql.json(progress as never)] as never,
    { prepare: true },
  );
}

/**
 * All children of one fan-out, PENDING until started, in one statement. Branch ids are derived by
 * the caller; names follow the parent's so that history reads naturally.
 */
export async function insertBranches(
  sql: Queryable,
  parent: ExecutionRow,
  group: { groupId: string; ids: string[]; machineIds: string[]; inputs: Json[]; outerVars: JsonObject; now: Date },
): Promise<void> {
  const rows = group.inputs.map((input, index) => ({
    id: group.ids[index],
    child_index: index,
    machine_id: group.machineIds.length === 1 ? group.machineIds[0] : group.machineIds[index],
    input,
  }));
  await sql.unsafe(
    `insert into nightshift.executions
       (id, kind, workflow_name, version_id, name, status, mode, input, parent_id, root_id, identity, group_id, child_index,
        machine_id, outer_vars, started_at, updated_at, owner_id, depth, traceparent)
     select b.id, 'branch', $1, $2, $3 || '/' || $4 || '.' || b.child_index, 'PENDING', $5, coalesce(b.input, 'null'::jsonb), $6, $7, $8, $4,
            b.child_index, b.machine_id, $9, $10, $10, $12, $13, $14
     from jsonb_to_recordset($11::jsonb) as b(id uuid, child_index int, machine_id text, input jsonb)`,
    [parent.workflowName, parent.versionId, parent.name, group.groupId, parent.mode, parent.id, parent.rootId,
      parent.identity === null ? null : sql.json(parent.identity as never), sql.json(group.outerVars as never), group.now, sql.json(rows as never),
      parent.ownerId ?? parent.id, parent.depth, parent.traceparent] as never,
    { prepare: true },
  );
}

// executions_parent_group_child_idx: children from..from+count-1 of a fan-out become RUNNING.
export async function startBranches(sql: Queryable, parentId: string, groupId: string, from: number, count: number, now: Date): Promise<ExecutionRow[]> {
  const rows = await sql.unsafe<Record_[]>(
    `update nightshift.executions set status = 'RUNNING', started_at = $5, updated_at = $5
     where parent_id = $1 and group_id = $2 and kind = 'branch' and child_index >= $3 and child_index < $3 + $4 and status = 'PENDING'
     returning *`,
    [parentId, groupId, from, count, now] as never,
    { prepare: true },
  );
  return rows.map(toRow);
}

export interface BranchResult {
  childIndex: number;
  status: StoredStatus;
  output: Json | null;
  error: string | null;
  cause: string | null;
}

// executions_parent_group_child_idx, in index order.
export async function branchResults(sql: Queryable, parentId: string, groupId: string): Promise<BranchResult[]> {
  const rows = await sql.unsafe<Array<{ child_index: number; status: StoredStatus; output: Json | null; error: string | null; cause: string | null }>>(
    `select child_index, status, output, error, cause from nightshift.executions
     where parent_id = $1 and group_id = $2 and kind = 'branch' order by child_index`,
    [parentId, groupId],
    { prepare: true },
  );
  return rows.map((r) => ({ childIndex: r.child_index, status: r.status, output: r.output, error: r.error, cause: r.cause }));
}

/** Children not started yet are aborted here; the ids of running ones are returned, to be stopped. */
export async function abortBranches(sql: Queryable, parentId: string, groupId: string, now: Date): Promise<string[]> {
  await sql.unsafe(
    `update nightshift.executions set status = 'ABORTED', stopped_at = $3, updated_at = $3, error = 'States.Aborted', cause = 'A sibling failed'
     where parent_id = $1 and group_id = $2 and kind = 'branch' and status = 'PENDING'`,
    [parentId, groupId, now] as never,
    { prepare: true },
  );
  const running = await sql.unsafe<Array<{ id: string }>>(
    `select id from nightshift.executions where parent_id = $1 and group_id = $2 and kind = 'branch' and status = 'RUNNING'`,
    [parentId, groupId],
    { prepare: true },
  );
  return running.map((r) => r.id);
}

export interface ExecutionFilter {
  workflow?: string;
  status?: StoredStatus;
  /** Keyset paging: executions started strictly before this (started_at, id). */
  before?: { startedAt: Date; id: string };
  startedAfter?: Date;
  startedBefore?: Date;
  name?: string;
  idempotencyKey?: string;
  /** JSON the input / output must contain (`@>`). */
  input?: JsonObject | null;
  output?: JsonObject | null;
  limit: number;
}

// executions_workflow_name_status_started_at_idx / executions_workflow_name_started_at_idx /
// executions_status_started_at_idx / executions_started_at_idx, by which filters are given; with
// input or output fields, executions_input_idx / executions_output_idx (GIN, jsonb_path_ops). Only the
// filters given are in the statement, so the planner sees which index fits.
export async function listExecutions(sql: Queryable, f: ExecutionFilter): Promise<ExecutionRow[]> {
  const where = [`kind = 'execution'`];
  const values: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(clause(`$${values.length}`));
  };
  if (f.workflow !== undefined) add((n) => `workflow_name = ${n}`, f.workflow);
  if (f.status !== undefined) add((n) => `status = ${n}`, f.status);
  if (f.startedAfter) add((n) => `started_at >= ${n}::timestamptz`, f.startedAfter);
  if (f.startedBefore) add((n) => `started_at < ${n}::timestamptz`, f.startedBefore);
  if (f.name !== undefined) add((n) => `name = ${n}`, f.name);
  if (f.idempotencyKey !== undefined) add((n) => `idempotency_key = ${n}`, f.idempotencyKey);
  if (f.input) add((n) => `input @> ${n}::jsonb`, sql.json(f.input as never));
  if (f.output) add((n) => `output @> ${n}::jsonb`, sql.json(f.output as never));
  if (f.before) {
    values.push(f.before.startedAt, f.before.id);
    where.push(`(started_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(f.limit);
  const rows = await sql.unsafe<Record_[]>(
    `select * from nightshift.executions where ${where.join(' and ')} order by started_at desc, id desc limit $${values.length}`,
    values as never,
  );
  return rows.map(toRow);
}

// executions_pkey for the execution, executions_owner_id_idx for every branch of it however nested.
// Not by root_id: that is the chain's root, shared with every execution the chain started.
export async function threadIds(sql: Queryable, executionId: string): Promise<string[]> {
  const rows = await sql.unsafe<Array<{ id: string }>>(
    `select id from nightshift.executions where id = $1 or owner_id = $1`,
    [executionId],
    { prepare: true },
  );
  return rows.map((r) => r.id);
}

/**
 * Retention: stopped executions older than `cutoff` with their history, their branches (by the
 * owner_id cascade) and the branches' history, at most `batch` at a time so that no statement holds
 * locks for long. Children started by workflow:start go by their own age: a parent's reference to a
 * removed child becomes null. History has no foreign key (0009_step_writes.sql), so its rows are
 * deleted here, in the same statement. executions_stopped_at_idx, executions_owner_id_idx,
 * history_pkey. Answers the chains they belonged to (their budgets may go: deleteEndedChains).
 */
export async function deleteStoppedBefore(sql: Queryable, cutoff: Date, batch: number): Promise<{ removed: number; rootIds: string[] }> {
  const rows = await sql.unsafe<Array<{ id: string; root_id: string }>>(
    `with picked as (
       select id from nightshift.executions
       where stopped_at < $1 and kind = 'execution'
       order by stopped_at limit $2
     ),
     events as (
       delete from nightshift.history
       where execution_id in (
         select id from picked
         union all
         select b.id from nightshift.executions b where b.owner_id in (select id from picked))
     )
     delete from nightshift.executions where id in (select id from picked)
     returning id, root_id`,
    [cutoff, batch] as never,
  );
  return { removed: rows.length, rootIds: [...new Set(rows.map((r) => r.root_id))] };
}

/** A transient execution is written once, when it ends: it lives in memory until then. */
export async function insertEndedExecution(
  sql: Queryable,
  e: NewExecution & { status: Exclude<StoredStatus, 'PENDING' | 'RUNNING'>; output: Json | null; error: string | null; cause: string | null; stoppedAt: Date },
): Promise<void> {
  // executions_pkey; the name may clash with an earlier execution's: then the id is the name.
  await sql.unsafe(
    `insert into nightshift.executions
       (id, kind, workflow_name, version_id, name, status, mode, input, output, error, cause, parent_id, root_id, identity,
        idempotency_key, started_at, stopped_at, updated_at, caller_scope)
     values ($1, 'execution', $2, $3, $4, $5, 'transient', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, nightshift.caller_scope($12::jsonb))
     on conflict do nothing`,
    [e.id, e.workflowName, e.versionId, e.name, e.status, sql.json(e.input as never), e.output === null ? null : sql.json(e.output as never),
      e.error, e.cause, e.parentId, e.rootId, e.identity === null ? null : sql.json(e.identity as never), e.idempotencyKey, e.startedAt, e.stoppedAt] as never,
    { prepare: true },
  );
}
