/**
 * Recurring schedules (cron and intervals). Fixed statements only; every function takes the pool or
 * a transaction so that a schedule change and the replacement of its pending tick job commit together.
 * Statements that change a schedule lock its row first: the tick handler locks it too, before it
 * completes its job, so the two never deadlock on (schedule row, job row).
 */
import type { Json } from '../shared/index.ts';
import type { Queryable } from './connection.ts';

export type ScheduleSource = 'file' | 'api';
export type OverlapPolicy = 'skip' | 'allow' | 'queue';
export type MissedPolicy = 'skip' | 'run_once';

export interface ScheduleRow {
  id: string;
  workflowName: string;
  key: string | null;
  source: ScheduleSource;
  cron: string | null;
  everySeconds: number | null;
  timezone: string;
  input: Json;
  paused: boolean;
  overlapPolicy: OverlapPolicy;
  missedPolicy: MissedPolicy;
  nextFireAt: Date | null;
  lastFireAt: Date | null;
  lastExecutionId: string | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a create or an update writes; the bookkeeping columns are the tick handler's. */
export interface ScheduleFields {
  workflowName: string;
  key: string | null;
  source: ScheduleSource;
  cron: string | null;
  everySeconds: number | null;
  timezone: string;
  input: Json;
  overlapPolicy: OverlapPolicy;
  missedPolicy: MissedPolicy;
  nextFireAt: Date | null;
  now: Date;
}

interface ScheduleRecord {
  id: string; workflow_name: string; key: string | null; source: ScheduleSource; cron: string | null; every_seconds: number | null;
  timezone: string; input: Json; paused: boolean; overlap_policy: OverlapPolicy; missed_policy: MissedPolicy;
  next_fire_at: Date | null; last_fire_at: Date | null; last_execution_id: string | null; last_error: string | null;
  created_at: Date; updated_at: Date;
}

function toSchedule(r: ScheduleRecord): ScheduleRow {
  return {
    id: r.id, workflowName: r.workflow_name, key: r.key, source: r.source, cron: r.cron, everySeconds: r.every_seconds,
    timezone: r.timezone, input: r.input, paused: r.paused, overlapPolicy: r.overlap_policy, missedPolicy: r.missed_policy,
    nextFireAt: r.next_fire_at, lastFireAt: r.last_fire_at, lastExecutionId: r.last_execution_id, lastError: r.last_error,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Inserts, or nothing when (workflow, key) is taken (schedules_workflow_name_key_key; a null key
// never conflicts). The caller then locks the existing row and updates it.
const insertStatement = `
  insert into nightshift.schedules
    (workflow_name, key, source, cron, every_seconds, timezone, input, overlap_policy, missed_policy, next_fire_at, created_at, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
  on conflict (workflow_name, key) do nothing
  returning *`;

/** Inserts a schedule; null when the workflow already has one with this key. */
export async function insertSchedule(sql: Queryable, s: ScheduleFields): Promise<ScheduleRow | null> {
  const [row] = await sql.unsafe<ScheduleRecord[]>(
    insertStatement,
    [s.workflowName, s.key, s.source, s.cron, s.everySeconds, s.timezone, sql.json(s.input as never), s.overlapPolicy,
      s.missedPolicy, s.nextFireAt, s.now] as never,
    { prepare: true },
  );
  return row ? toSchedule(row) : null;
}

/** Rewrites what a create may change (not the key, the source, paused or the bookkeeping). schedules_pkey. */
export async function updateSchedule(sql: Queryable, id: string, s: ScheduleFields): Promise<ScheduleRow> {
  const [row] = await sql.unsafe<ScheduleRecord[]>(
    `update nightshift.schedules
     set cron = $2, every_seconds = $3, timezone = $4, input = $5, overlap_policy = $6, missed_policy = $7,
         next_fire_at = $8, updated_at = $9
     where id = $1
     returning *`,
    [id, s.cron, s.everySeconds, s.timezone, sql.json(s.input as never), s.overlapPolicy, s.missedPolicy, s.nextFireAt, s.now] as never,
    { prepare: true },
  );
  return toSchedule(row);
}

// schedules_workflow_name_key_key.
export async function lockScheduleByKey(sql: Queryable, workflowName: string, key: string): Promise<ScheduleRow | null> {
  const [row] = await sql.unsafe<ScheduleRecord[]>(
    'select * from nightshift.schedules where workflow_name = $1 and key = $2 for update',
    [workflowName, key],
    { prepare: true },
  );
  return row ? toSchedule(row) : null;
}

// schedules_pkey. The lock every change of a schedule and every tick takes first.
export async function lockSchedule(sql: Queryable, id: string): Promise<ScheduleRow | null> {
  if (!uuidPattern.test(id)) return null;
  const [row] = await sql.unsafe<ScheduleRecord[]>('select * from nightshift.schedules where id = $1 for update', [id], { prepare: true });
  return row ? toSchedule(row) : null;
}

// schedules_pkey.
export async function getSchedule(sql: Queryable, id: string): Promise<ScheduleRow | null> {
  if (!uuidPattern.test(id)) return null;
  const [row] = await sql.unsafe<ScheduleRecord[]>('select * from nightshift.schedules where id = $1', [id], { prepare: true });
  return row ? toSchedule(row) : null;
}

export interface ScheduleFilter {
  workflow?: string;
  key?: string;
  source?: ScheduleSource;
  /** Keyset paging: schedules created after this one (creation time, then id). */
  after?: { createdAt: Date; id: string };
  limit: number;
}

// With a workflow: schedules_workflow_name_created_at_idx (or schedules_workflow_name_key_key when the
// key is given too); without: schedules_created_at_idx. A null filter value matches everything.
const listStatement = `
  select * from nightshift.schedules
  where ($1::text is null or workflow_name = $1)
    and ($2::text is null or key = $2)
    and ($3::text is null or source = $3)
    and ($4::timestamptz is null or (created_at, id) > ($4::timestamptz, $5::uuid))
  order by created_at, id
  limit $6`;

/** Schedules in creation order, filtered by workflow, key and source. */
export async function listSchedules(sql: Queryable, filter: ScheduleFilter): Promise<ScheduleRow[]> {
  const rows = await sql.unsafe<ScheduleRecord[]>(
    listStatement,
    [filter.workflow ?? null, filter.key ?? null, filter.source ?? null, filter.after?.createdAt ?? null,
      filter.after?.id ?? null, filter.limit] as never,
    { prepare: true },
  );
  return rows.map(toSchedule);
}

/** Pauses (next_fire_at null) or resumes (next_fire_at given). schedules_pkey. */
export async function setSchedulePaused(sql: Queryable, id: string, paused: boolean, nextFireAt: Date | null, now: Date): Promise<ScheduleRow> {
  const [row] = await sql.unsafe<ScheduleRecord[]>(
    `update nightshift.schedules set paused = $2, next_fire_at = $3, updated_at = $4 where id = $1 returning *`,
    [id, paused, paused ? null : nextFireAt, now] as never,
    { prepare: true },
  );
  return toSchedule(row);
}

// schedules_pkey.
export async function deleteSchedule(sql: Queryable, id: string): Promise<boolean> {
  if (!uuidPattern.test(id)) return false;
  const rows = await sql.unsafe('delete from nightshift.schedules where id = $1 returning id', [id], { prepare: true });
  return rows.length > 0;
}

export interface TickRecord {
  /** The tick that started an execution, with that execution; null when the tick started nothing. */
  fired: { at: Date; executionId: string } | null;
  /** The tick the next pending job is for (null: none, the expression has no future tick). */
  nextFireAt: Date | null;
  /** Why a due tick started nothing, or null. */
  lastError: string | null;
  now: Date;
}

/**
 * The tick handler's bookkeeping, written in the transaction that completes the tick job (the row is
 * locked by lockSchedule first). The last fire is kept when this tick started nothing. schedules_pkey.
 */
export async function recordTick(sql: Queryable, id: string, tick: TickRecord): Promise<void> {
  await sql.unsafe(
    `update nightshift.schedules
     set last_fire_at = coalesce($2, last_fire_at), last_execution_id = coalesce($3::uuid, last_execution_id),
         next_fire_at = $4, last_error = $5, updated_at = $6
     where id = $1`,
    [id, tick.fired?.at ?? null, tick.fired?.executionId ?? null, tick.nextFireAt, tick.lastError, tick.now] as never,
    { prepare: true },
  );
}

/**
 * Deletes the schedules a workflow's file declared (its removal; a deploy of the file makes them
 * again); their pending tick jobs find no schedule and end. schedules_workflow_name_created_at_idx.
 */
export async function deleteFileSchedules(sql: Queryable, workflowName: string): Promise<number> {
  const rows = await sql.unsafe("delete from nightshift.schedules where workflow_name = $1 and source = 'file' returning id", [workflowName], { prepare: true });
  return rows.length;
}
