/**
 * Flow control's ledger (0007_flow_control.sql): starts waiting to be admitted, and admitted ones
 * still counted against their workflow's limits. Admission of one workflow runs under a
 * transaction-level advisory lock (`lockFlow`), so processes admit one after the other.
 */
import type { Json } from '../shared/index.ts';
import type { Queryable } from './connection.ts';

export interface FlowKeys {
  concurrency?: string;
  rateLimit?: string;
  debounce?: string;
  singleton?: string;
}

export interface NewFlowWait {
  id: string;
  workflowName: string;
  versionId: string;
  flowKeys: FlowKeys;
  input: Json;
  start: Json;
  idempotencyKey: string | null;
  priority: number;
  reason: string | null;
  dueAt: Date;
  createdAt: Date;
  /** The caller's W3C traceparent, which the execution's trace joins when admitted; null when none. */
  traceparent: string | null;
}

export interface FlowWaitRow extends NewFlowWait {
  admittedAt: Date | null;
  startedAt: Date | null;
  /** Admitted and its execution not ended (or not created yet): it holds a concurrency slot. */
  running: boolean;
}

export type FlowWaitRecord = {
  id: string; workflow_name: string; version_id: string; flow_keys: FlowKeys; input: Json; start: Json; idempotency_key: string | null;
  priority: number; reason: string | null; due_at: Date; created_at: Date; admitted_at: Date | null; started_at: Date | null; running?: boolean;
  traceparent: string | null;
};

export function toFlowWait(r: FlowWaitRecord): FlowWaitRow {
  return {
    id: r.id, workflowName: r.workflow_name, versionId: r.version_id, flowKeys: r.flow_keys, input: r.input, start: r.start,
    idempotencyKey: r.idempotency_key, priority: r.priority, reason: r.reason, dueAt: r.due_at, createdAt: r.created_at,
    admittedAt: r.admitted_at, startedAt: r.started_at, running: r.running ?? false, traceparent: r.traceparent ?? null,
  };
}

/** Serializes admission of one workflow across processes until the transaction ends. */
export async function lockFlow(tx: Queryable, workflowName: string): Promise<void> {
  await tx.unsafe(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [`nightshift.flow:${workflowName}`], { prepare: true });
}

// flow_waits_pkey or flow_waits_caller_idempotency_key_idx: a taken id or key (in the caller scope of
// the start's identity) writes nothing.
export async function insertFlowWait(sql: Queryable, w: NewFlowWait): Promise<boolean> {
  const rows = await sql.unsafe(
    `insert into nightshift.flow_waits
       (id, workflow_name, version_id, flow_keys, input, start, idempotency_key, priority, reason, due_at, created_at, caller_scope, traceparent)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nightshift.caller_scope(nullif($6::jsonb -> 'identity', 'null'::jsonb)), $12)
     on conflict do nothing
     returning id`,
    [w.id, w.workflowName, w.versionId, sql.json(w.flowKeys as never), sql.json(w.input as never), sql.json(w.start as never),
      w.idempotencyKey, w.priority, w.reason, w.dueAt, w.createdAt, w.traceparent] as never,
    { prepare: true },
  );
  return rows.length > 0;
}

// flow_waits_pkey.
export async function getFlowWait(sql: Queryable, id: string): Promise<FlowWaitRow | null> {
  const [row] = await sql.unsafe<FlowWaitRecord[]>(`select * from nightshift.flow_waits where id = $1`, [id], { prepare: true });
  return row ? toFlowWait(row) : null;
}

// flow_waits_caller_idempotency_key_idx: the key in the caller scope of `identity`; `sameInput` compares
// the input as jsonb.
export async function findFlowWaitByKey(
  sql: Queryable, workflowName: string, idempotencyKey: string, asking: { identity: Json | null; input: Json },
): Promise<(FlowWaitRow & { sameInput: boolean }) | null> {
  const [row] = await sql.unsafe<Array<FlowWaitRecord & { same_input: boolean }>>(
    `select *, input = $4::jsonb as same_input from nightshift.flow_waits
     where workflow_name = $1 and caller_scope = nightshift.caller_scope($3::jsonb) and idempotency_key = $2`,
    [workflowName, idempotencyKey, asking.identity === null ? null : sql.json(asking.identity as never), sql.json(asking.input as never)] as never,
    { prepare: true });
  return row ? { ...toFlowWait(row), sameInput: row.same_input } : null;
}

// flow_waits_workflow_idx, then a filter: the waiting start of a debounce key (at most one per key).
export async function findDebouncedWait(sql: Queryable, workflowName: string, key: string): Promise<FlowWaitRow | null> {
  const [row] = await sql.unsafe<FlowWaitRecord[]>(
    `select * from nightshift.flow_waits
     where workflow_name = $1 and admitted_at is null and flow_keys->>'debounce' = $2
     order by created_at limit 1`,
    [workflowName, key], { prepare: true });
  return row ? toFlowWait(row) : null;
}

/** Debounce: the last input (and its caller's trace) wins and the window starts again. */
export async function replaceDebouncedWait(
  sql: Queryable, id: string, w: { input: Json; start: Json; dueAt: Date; reason: string; traceparent: string | null },
): Promise<void> {
  await sql.unsafe(
    `update nightshift.flow_waits set input = $2, start = $3, due_at = $4, reason = $5, traceparent = $6 where id = $1 and admitted_at is null`,
    [id, sql.json(w.input as never), sql.json(w.start as never), w.dueAt, w.reason, w.traceparent] as never, { prepare: true });
}

// flow_waits_workflow_idx, executions_pkey per row. Highest priority first, then oldest.
export async function listFlowWaits(sql: Queryable, workflowName: string): Promise<FlowWaitRow[]> {
  const rows = await sql.unsafe<FlowWaitRecord[]>(
    `select w.*, (w.admitted_at is not null and (w.started_at is null or coalesce(e.status = 'RUNNING', false))) as running
     from nightshift.flow_waits w
     left join nightshift.executions e on e.id = w.id
     where w.workflow_name = $1
     order by w.priority desc, w.created_at, w.id`,
    [workflowName], { prepare: true });
  return rows.map(toFlowWait);
}

// flow_waits_pkey.
export async function admitFlowWaits(sql: Queryable, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql.unsafe(`update nightshift.flow_waits set admitted_at = $2, reason = null where id = any($1::uuid[])`, [ids, now] as never, { prepare: true });
}

// flow_waits_pkey. $1 a JSON array of {id, reason}.
export async function setFlowWaitReasons(sql: Queryable, reasons: Array<{ id: string; reason: string }>): Promise<void> {
  if (reasons.length === 0) return;
  await sql.unsafe(
    `update nightshift.flow_waits w set reason = r.reason
     from jsonb_to_recordset($1::jsonb) as r(id uuid, reason text)
     where w.id = r.id and w.reason is distinct from r.reason`,
    [sql.json(reasons as never)] as never, { prepare: true });
}

// flow_waits_pkey.
export async function markFlowWaitStarted(sql: Queryable, id: string, now: Date): Promise<void> {
  await sql.unsafe(`update nightshift.flow_waits set started_at = $2 where id = $1 and started_at is null`, [id, now] as never, { prepare: true });
}

// flow_waits_pkey.
export async function deleteFlowWaits(sql: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql.unsafe(`delete from nightshift.flow_waits where id = any($1::uuid[])`, [ids] as never, { prepare: true });
}

/** Admitted starts whose execution ended and that no rate-limit window counts any more (admitted before `before`). */
export async function deleteSettledFlowWaits(sql: Queryable, workflowName: string, before: Date): Promise<number> {
  const rows = await sql.unsafe(
    `delete from nightshift.flow_waits w
     where w.workflow_name = $1 and w.started_at is not null and w.admitted_at < $2
       and not exists (select 1 from nightshift.executions e where e.id = w.id and e.status = 'RUNNING')
     returning w.id`,
    [workflowName, before] as never, { prepare: true });
  return rows.length;
}

// flow_waits_workflow_idx: whether an ended execution may have freed a slot someone waits for.
export async function hasFlowWaits(sql: Queryable, workflowName: string): Promise<boolean> {
  const [row] = await sql.unsafe<Array<{ found: boolean }>>(
    `select exists (select 1 from nightshift.flow_waits where workflow_name = $1) as found`, [workflowName], { prepare: true });
  return row?.found ?? false;
}
