/**
 * Executions inserted already first-stepped: when a start's first step writes nothing but its own row,
 * its history batch and its jobs (a first Task, Wait, Pass chain or end: the common case), the runtime
 * steps it in memory and this writes everything in one statement (data-modifying CTEs, atomic without
 * a transaction block). Outside a transaction that is the start's one round trip and one commit.
 */
import type { Queryable } from './connection.ts';
import type { ExecutionRow, NewExecution, StepWrite } from './executions.ts';
import { historyBatchRow, insertHistoryFrom } from './history.ts';
import { insertOwnedJobsFrom, jobRecords, leasedIdsOf, type LeasedJobIds, type NewJob } from './jobs.ts';
import { hashToken } from './task-tokens.ts';

/** The row `insertExecutions` would insert for this start, before its first step. */
export function newExecutionRow(e: NewExecution): ExecutionRow {
  return {
    id: e.id, kind: 'execution', workflowName: e.workflowName, versionId: e.versionId, name: e.name, status: 'RUNNING', mode: e.mode,
    input: e.input ?? null, output: null, error: null, cause: null, parentId: e.parentId, rootId: e.rootId, identity: e.identity,
    progress: null, snapshot: null, idempotencyKey: e.idempotencyKey, redriveCount: 0, ownerId: null, groupId: null, childIndex: null,
    machineId: '', outerVars: null, eventCount: 0, callbackTokenHash: e.callbackToken ? hashToken(e.callbackToken) : null,
    depth: e.depth ?? 0, notifyOnEnd: e.notifyOnEnd ?? false, traceparent: e.traceparent ?? null, startedAt: e.startedAt, stoppedAt: null,
    updatedAt: e.startedAt,
  };
}

/** A start stepped in memory: the execution, its first step's write and the jobs that step adds. */
export interface SteppedStart {
  row: ExecutionRow;
  write: StepWrite;
  jobs: readonly NewJob[];
}

export interface StartedWrite {
  /** The executions inserted (id → their row's version): a taken name or idempotency key inserts nothing, nor its history and jobs. */
  inserted: Map<string, string>;
  /** With `currentVersionOnly`: ids not inserted because their version is no longer the workflow's current one (or it was removed). */
  stale: Set<string>;
  /** The jobs leased at birth that were inserted (those of inserted executions). */
  leased: LeasedJobIds;
}

/**
 * Inserts the executions with their first step's state, history batch and jobs, in one statement. With
 * `currentVersionOnly`, an execution whose version is no longer its workflow's current one, or whose
 * workflow was removed, is not inserted (a start that used a cached version: workflows_pkey, one probe
 * per start). executions_pkey, executions_workflow_name_name_key, executions_caller_idempotency_key_idx
 * (a conflict skips the row), history_pkey, jobs_dedupe_key_key. The jobs' foreign key to the row
 * inserted by a sibling CTE holds: it is checked at the end of the statement.
 */
export async function insertStartedExecutions(sql: Queryable, started: readonly SteppedStart[], currentVersionOnly: boolean): Promise<StartedWrite> {
  if (started.length === 0) return { inserted: new Map(), stale: new Set(), leased: new Map() };
  const rows = started.map(({ row: r, write: { update: u } }) => ({
    id: r.id, workflow_name: r.workflowName, version_id: r.versionId, name: r.name, mode: r.mode, input: r.input, parent_id: r.parentId,
    root_id: r.rootId, identity: r.identity, idempotency_key: r.idempotencyKey, started_at: r.startedAt.toISOString(),
    callback_token_hash: r.callbackTokenHash, depth: r.depth, notify_on_end: r.notifyOnEnd, traceparent: r.traceparent,
    status: u.status, snapshot: u.snapshot, output: u.output, error: u.error, cause: u.cause, event_count: u.eventCount,
    stopped_at: u.stoppedAt?.toISOString() ?? null, updated_at: u.updatedAt.toISOString(),
  }));
  const history = started.filter((s) => s.write.events.length > 0).map((s) => historyBatchRow(s.row.id, s.write.firstSeq, s.write.events));
  // Each job names the start that adds it: a job whose start was not inserted is not either.
  const jobs = started.flatMap((s) => jobRecords(s.jobs).map((job) => ({ ...job, owner: s.row.id })));
  const [answer] = await sql.unsafe<Array<{ inserted: Array<[string, string]>; stale: string[]; leased: Array<{ id: string; dedupe_key: string; leased: boolean }> }>>(
    insertStarted,
    [sql.json(rows as never), sql.json(history as never), sql.json(jobs as never), currentVersionOnly] as never,
    { prepare: true },
  );
  return { inserted: new Map(answer.inserted), stale: new Set(answer.stale), leased: leasedIdsOf(answer.leased) };
}

// $1 executions with their first step, $2 history batches, $3 jobs with their owner, $4 currentVersionOnly.
const insertStarted = `
  with n as (
    select * from jsonb_to_recordset($1::jsonb) as n(id uuid, workflow_name text, version_id text, name text, mode text, input jsonb,
      parent_id uuid, root_id uuid, identity jsonb, idempotency_key text, started_at timestamptz, callback_token_hash text, depth int,
      notify_on_end boolean, traceparent text, status text, snapshot jsonb, output jsonb, error text, cause text, event_count int,
      stopped_at timestamptz, updated_at timestamptz)
  ),
  current as (
    select n.id from n
    where not $4::boolean
       or exists (select 1 from nightshift.workflows w
                  where w.name = n.workflow_name and w.current_version_id = n.version_id and w.archived_at is null)
  ),
  inserted as (
    insert into nightshift.executions
      (id, kind, workflow_name, version_id, name, status, mode, input, parent_id, root_id, identity, idempotency_key, started_at, updated_at,
       callback_token_hash, depth, notify_on_end, caller_scope, traceparent, snapshot, output, error, cause, event_count, stopped_at)
    select n.id, 'execution', n.workflow_name, n.version_id, n.name, n.status, n.mode, coalesce(n.input, 'null'::jsonb), n.parent_id,
           n.root_id, n.identity, n.idempotency_key, n.started_at, n.updated_at, n.callback_token_hash, n.depth, n.notify_on_end,
           nightshift.caller_scope(n.identity), n.traceparent, n.snapshot, n.output, n.error, n.cause, n.event_count, n.stopped_at
    from n where n.id in (select id from current)
    on conflict do nothing
    returning id, xmin::text as row_version
  ),
  history as (${insertHistoryFrom(2, 'select id from inserted')}
  ),
  jobs as (${insertOwnedJobsFrom(3, 'owner', 'select id from inserted')}
  )
  select coalesce((select jsonb_agg(jsonb_build_array(id, row_version)) from inserted), '[]') as inserted, array(select n.id from n where n.id not in (select id from current)) as stale,
    coalesce((select jsonb_agg(jsonb_build_object('id', id, 'dedupe_key', dedupe_key, 'leased', true)) from jobs where leased), '[]') as leased`;
