/**
 * Held starts: the rows of flow_waits whose execution does not exist yet (started_at null) — waiting
 * for admission, or admitted a moment ago and being started. They are listed among executions and
 * in the Scheduler, and a stop turns one into an ABORTED execution that never ran.
 */
import type { Queryable } from './connection.ts';
import { toFlowWait, type FlowWaitRecord, type FlowWaitRow } from './flow-waits.ts';
import type { ScheduledFilter, SchedulerCursor } from './scheduler.ts';
import { hashToken } from './task-tokens.ts';

export interface HeldStartFilter {
  workflow?: string;
  /** Keyset paging, newest first: held starts asked strictly before this (created_at, id). */
  before?: { at: Date; id: string };
  limit: number;
}

// flow_waits_held_idx, newest first (the keyset of the executions list: asked time, then id).
const newestFirstStatement = `
  select * from nightshift.flow_waits
  where started_at is null
    and ($1::text is null or workflow_name = $1)
    and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
  order by created_at desc, id desc
  limit $4`;

/** Held starts, newest first, as the executions list pages them. */
export async function listHeldStarts(sql: Queryable, f: HeldStartFilter): Promise<FlowWaitRow[]> {
  const rows = await sql.unsafe<FlowWaitRecord[]>(
    newestFirstStatement,
    [f.workflow ?? null, f.before?.at ?? null, f.before?.id ?? null, f.limit] as never,
    { prepare: false },
  );
  return rows.map(toFlowWait);
}

/**
 * The Scheduler's sort key of a held start: the end of its debounce window (due_at after created_at),
 * else `$1`, the far future of things with no known time (a slot that frees when something ends).
 */
const heldDueAt = `case when due_at > created_at then due_at else $1::timestamptz end`;

// flow_waits_held_idx (held rows only; few at any time), then a sort by the Scheduler's keyset.
const dueOrderStatement = `
  select * from (
    select w.*, ${heldDueAt} as sort_at from nightshift.flow_waits w where started_at is null
  ) held
  where ($3::text is null or workflow_name = $3)
    and ($4::timestamptz is null or sort_at < $4)
    and ($5::timestamptz is null or sort_at >= $5)
    and ($6::jsonb is null or input @> $6)
    and ($7::timestamptz is null or (sort_at >= $7 and (sort_at > $7 or id::text collate "C" > $8)))
  order by sort_at, id::text collate "C"
  limit $2`;

/** Held starts in the Scheduler's order: debounced ones by the end of their window, the others last. */
export async function listHeldStartsDue(
  sql: Queryable,
  f: ScheduledFilter,
  after: SchedulerCursor | null,
  limit: number,
  farFuture: Date,
): Promise<Array<FlowWaitRow & { sortAt: Date }>> {
  const rows = await sql.unsafe<Array<FlowWaitRecord & { sort_at: Date }>>(
    dueOrderStatement,
    [farFuture, limit, f.workflow ?? null, f.before ?? null, f.after ?? null, f.inputContains === undefined ? null : sql.json(f.inputContains as never),
      after?.dueAt ?? null, after?.id ?? null] as never,
    { prepare: false },
  );
  return rows.map((r) => ({ ...toFlowWait(r), sortAt: r.sort_at }));
}

// flow_waits_parent_idx: held starts a workflow asked for (workflow:start of a flow-controlled workflow).
export async function heldStartsOf(sql: Queryable, parentIds: readonly string[]): Promise<Array<{ id: string; workflowName: string }>> {
  if (parentIds.length === 0) return [];
  const rows = await sql.unsafe<Array<{ id: string; workflow_name: string }>>(
    `select id, workflow_name from nightshift.flow_waits where (start ->> 'parentId') = any($1::text[]) and started_at is null`,
    [parentIds as string[]] as never,
    { prepare: true },
  );
  return rows.map((r) => ({ id: r.id, workflowName: r.workflow_name }));
}

// flow_waits_pkey for the delete; the insert by executions_pkey (and the name and idempotency key
// indexes: a taken name or key inserts nothing, as admission would have dropped the start too). The
// row keeps what the start asked (name, identity, chain) and when; it never ran, so it has no history.
const abortStatement = `
  with held as (
    delete from nightshift.flow_waits where id = $1 and started_at is null returning *
  ), aborted as (
    insert into nightshift.executions
      (id, kind, workflow_name, version_id, name, status, mode, input, error, cause, parent_id, root_id, identity, idempotency_key,
       caller_scope, depth, started_at, stopped_at, updated_at)
    select id, 'execution', workflow_name, version_id, coalesce(start ->> 'name', id::text), 'ABORTED', 'persistent', input, $2, $3,
           (start ->> 'parentId')::uuid, coalesce((start ->> 'rootId')::uuid, id), nullif(start -> 'identity', 'null'::jsonb), idempotency_key,
           caller_scope, coalesce((start ->> 'depth')::int, 0), created_at, $4, $4
    from held
    on conflict do nothing
    returning id
  )
  select id, workflow_name, start ->> 'callbackToken' as callback_token, exists (select 1 from aborted) as aborted from held`;

export interface AbortedHeldStart {
  workflowName: string;
  /** False when its name or idempotency key was taken meanwhile: the start is gone and no execution records it. */
  aborted: boolean;
  /** The hash of a workflow:start.sync parent's task token, to answer with the failure. */
  callbackTokenHash: string | null;
}

/**
 * Turns a held start into an ABORTED execution that never ran, in one statement. Null when it is not
 * held (any more): its execution exists, or there is no such start. Run it under the workflow's flow lock.
 */
export async function abortHeldStart(sql: Queryable, id: string, reason: { error: string; cause: string; now: Date }): Promise<AbortedHeldStart | null> {
  const [row] = await sql.unsafe<Array<{ id: string; workflow_name: string; callback_token: string | null; aborted: boolean }>>(
    abortStatement, [id, reason.error, reason.cause, reason.now] as never, { prepare: true });
  if (!row) return null;
  return { workflowName: row.workflow_name, aborted: row.aborted, callbackTokenHash: row.callback_token === null ? null : hashToken(row.callback_token) };
}
