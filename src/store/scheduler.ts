/**
 * The Scheduler: what is due, in due order, from every source (scheduled runs, executions sleeping
 * in a Wait, executions waiting for a task token, cron schedules when that table exists), and the
 * two ways to act on it: cancel and run now. Each source is its own fixed statement with keyset
 * paging on (due time, id); the service merges the pages.
 *
 * The filtered statements are planned with their values (`prepare: false`): with `$n is null or …`
 * a generic plan could not pick the index the given filter needs, a custom plan folds the nulls away.
 */
import type { Json } from '../shared/index.ts';
import type { Queryable } from './connection.ts';
import { jobKinds, scheduledKeyPrefixes, scheduledStartPayloadSql } from './job-kinds.ts';
import { stillWaiting, toScheduledRun, type ScheduledRunRow } from './scheduled-runs.ts';

export interface ScheduledFilter {
  workflow?: string;
  batchId?: string;
  /** Due strictly before this time. */
  before?: Date;
  /** Due at or after this time. */
  after?: Date;
  /** JSON the input contains (`input @> value`): `{"user_id": 42}`. */
  inputContains?: Json;
}

/** Keyset position: items strictly after (dueAt, id) in due order; ids compare as text in byte order. */
export interface SchedulerCursor {
  dueAt: Date;
  id: string;
}

const filterParams = (sql: Queryable, f: ScheduledFilter) =>
  [f.workflow ?? null, f.batchId ?? null, f.before ?? null, f.after ?? null, f.inputContains === undefined ? null : sql.json(f.inputContains as never)];

// $2 workflow, $3 batch, $4 before, $5 after, $6 input containment. scheduled_runs_workflow_name_due_at_idx,
// scheduled_runs_batch_id_due_at_idx or scheduled_runs_due_at_idx, as given; input is a filter on those rows.
const runFilter = `
  status = 'SCHEDULED'
  and ($2::text is null or workflow_name = $2)
  and ($3::uuid is null or batch_id = $3)
  and ($4::timestamptz is null or due_at < $4)
  and ($5::timestamptz is null or due_at >= $5)
  and ($6::jsonb is null or input @> $6)`;

/** Scheduled runs still waiting, in due order. */
export async function listScheduledRuns(sql: Queryable, f: ScheduledFilter, after: SchedulerCursor | null, limit: number): Promise<ScheduledRunRow[]> {
  const rows = await sql.unsafe(
    `select * from nightshift.scheduled_runs
     where ${runFilter}
       and ($7::timestamptz is null or (due_at >= $7 and (due_at > $7 or id::text collate "C" > $8)))
     order by due_at, id
     limit $1`,
    [limit, ...filterParams(sql, f), after?.dueAt ?? null, after?.id ?? null] as never,
    { prepare: false },
  );
  return rows.map((r) => toScheduledRun(r as never));
}

export interface SleepingThread {
  /** The row sleeping: the execution itself, or one of its Parallel branches or Map iterations. */
  threadId: string;
  executionId: string;
  workflowName: string;
  stateName: string | null;
  dueAt: Date;
  /** The sleeping row's own input: a branch's is its Map item or Parallel input. */
  input: Json;
  /** Branches: the JSON pointer of the machine they run (which fan-out) and their index in it. */
  branch: BranchPosition | null;
}

export interface BranchPosition {
  machineId: string;
  childIndex: number;
}

const branchOf = (r: { child_index: number | null; machine_id: string }): BranchPosition | null =>
  r.child_index === null ? null : { machineId: r.machine_id, childIndex: r.child_index };

// jobs_timer_run_at_idx (its predicate is repeated verbatim) in due order, each timer joined to the
// row it wakes (executions_pkey): only the timer of a Wait the row is in now counts (a Task's
// timeout and a retry's back-off are timers too). A branch shows its own input and position; the
// input filter matches the branch's input or its execution's.
const sleepingStatement = `
  select j.run_at as due_at, e.id as thread_id, coalesce(e.owner_id, e.id) as execution_id, e.workflow_name,
         e.snapshot ->> 'stateName' as state_name, e.input, e.child_index, e.machine_id
  from nightshift.jobs j
  join nightshift.executions e on e.id = j.execution_id
  left join nightshift.executions o on o.id = e.owner_id
  where j.kind = 'step' and j.dedupe_key like 'timer:%'
    and e.status = 'RUNNING' and e.snapshot -> 'pending' ->> 'kind' = 'wait'
    and j.dedupe_key = 'timer:' || e.id || ':' || (e.snapshot -> 'pending' ->> 'timerId')
    and ($2::text is null or e.workflow_name = $2)
    and ($3::timestamptz is null or j.run_at < $3)
    and ($4::timestamptz is null or j.run_at >= $4)
    and ($5::jsonb is null or e.input @> $5 or o.input @> $5)
    and ($6::timestamptz is null or (j.run_at >= $6 and (j.run_at > $6 or e.id::text collate "C" > $7)))
  order by j.run_at, e.id::text collate "C"
  limit $1`;

/** Executions (and branches) sleeping in a Wait state, by wake time. */
export async function listSleepingThreads(sql: Queryable, f: ScheduledFilter, after: SchedulerCursor | null, limit: number): Promise<SleepingThread[]> {
  const [workflow, , before, from, input] = filterParams(sql, f);
  const rows = await sql.unsafe<Array<{ due_at: Date; thread_id: string; execution_id: string; workflow_name: string; state_name: string | null; input: Json; child_index: number | null; machine_id: string }>>(
    sleepingStatement,
    [limit, workflow, before, from, input, after?.dueAt ?? null, after?.id ?? null] as never,
    { prepare: false },
  );
  return rows.map((r) => ({
    threadId: r.thread_id, executionId: r.execution_id, workflowName: r.workflow_name, stateName: r.state_name, dueAt: r.due_at, input: r.input, branch: branchOf(r),
  }));
}

export interface TokenWait {
  /** `<thread id>:<invocation id>`: one waiting task. */
  id: string;
  threadId: string;
  executionId: string;
  workflowName: string;
  stateName: string;
  /** When the token runs out (TimeoutSeconds / HeartbeatSeconds); null when it never does. */
  expiresAt: Date | null;
  /** The sort key: expiresAt, or the far future for a token that never runs out. */
  sortAt: Date;
  /** The waiting row's own input (a branch's, as for sleeping threads). */
  input: Json;
  branch: BranchPosition | null;
}

/** The sort position of a token that never expires: after every real time. */
export const neverDue = new Date('9999-12-31T00:00:00.000Z');

// task_tokens_waiting_idx (tokens not answered yet; few at any time), then executions_pkey.
const tokenStatement = `
  select * from (
    select e.id::text || ':' || t.invocation_id as id, e.id as thread_id, coalesce(e.owner_id, e.id) as execution_id,
           e.workflow_name, t.state_name, t.expires_at, coalesce(t.expires_at, $8::timestamptz) as sort_at,
           e.input, e.child_index, e.machine_id
    from nightshift.task_tokens t
    join nightshift.executions e on e.id = t.execution_id
    left join nightshift.executions o on o.id = e.owner_id
    where t.used_at is null and e.status = 'RUNNING'
      and ($2::text is null or e.workflow_name = $2)
      and ($5::jsonb is null or e.input @> $5 or o.input @> $5)
  ) waiting
  where ($3::timestamptz is null or sort_at < $3)
    and ($4::timestamptz is null or sort_at >= $4)
    and ($6::timestamptz is null or (sort_at >= $6 and (sort_at > $6 or id collate "C" > $7)))
  order by sort_at, id collate "C"
  limit $1`;

/** Executions waiting for a task token (human approval, external workers), soonest expiry first. */
export async function listTokenWaits(sql: Queryable, f: ScheduledFilter, after: SchedulerCursor | null, limit: number): Promise<TokenWait[]> {
  const [workflow, , before, from, input] = filterParams(sql, f);
  const rows = await sql.unsafe<Array<{ id: string; thread_id: string; execution_id: string; workflow_name: string; state_name: string; expires_at: Date | null; sort_at: Date; input: Json; child_index: number | null; machine_id: string }>>(
    tokenStatement,
    [limit, workflow, before, from, input, after?.dueAt ?? null, after?.id ?? null, neverDue] as never,
    { prepare: false },
  );
  return rows.map((r) => ({
    id: r.id, threadId: r.thread_id, executionId: r.execution_id, workflowName: r.workflow_name, stateName: r.state_name,
    expiresAt: r.expires_at, sortAt: r.sort_at, input: r.input, branch: branchOf(r),
  }));
}

// ---- cancel ---------------------------------------------------------------------------------------

// $1 now, then the candidates' own parameters. A candidate is cancelled when its job could be
// deleted unleased (a leased job is being started right now: that run is left alone) or when it has
// no job (a sequential item waiting for the one before it). Both parts read the statement's
// snapshot, so a run whose job was there and is now leased is in neither. Jobs by
// jobs_dedupe_key_key; runs by scheduled_runs_pkey; counters by scheduled_batches_pkey.
const cancelStatement = (candidates: string) => `
  with candidates as (${candidates}),
  removed as (
    delete from nightshift.jobs j using candidates c
    where j.dedupe_key = '${scheduledKeyPrefixes.run}' || c.id and j.lease_owner is null
    returning c.id
  ),
  targets as (
    select id from removed
    union all
    select c.id from candidates c
    where not exists (select 1 from nightshift.jobs j where j.dedupe_key = '${scheduledKeyPrefixes.run}' || c.id)
  ),
  cancelled as (
    update nightshift.scheduled_runs r set status = 'CANCELLED', cancelled_at = $1
    from targets t
    where r.id = t.id and ${stillWaiting('r')}
    returning r.id, r.batch_id
  ),
  counted as (
    update nightshift.scheduled_batches b set cancelled = b.cancelled + n.count
    from (select batch_id, count(*)::int as count from cancelled where batch_id is not null group by batch_id) n
    where b.id = n.batch_id
    returning b.id
  )
  select (select count(*) from cancelled)::int as cancelled, (select coalesce(array_agg(id), '{}') from counted) as batch_ids,
         (select coalesce(array_agg(id), '{}') from cancelled) as ids`;

const cancelOneStatement = cancelStatement(`select id from nightshift.scheduled_runs where id = $2 and ${stillWaiting('scheduled_runs')}`);
const cancelWhereStatement = cancelStatement(`select id from nightshift.scheduled_runs where ${runFilter}`);
// scheduled_runs_parent_id_idx.
const cancelOfParentsStatement = cancelStatement(
  `select id from nightshift.scheduled_runs where parent_id = any($2::uuid[]) and status = 'SCHEDULED' and parent_id is not null`);

export interface CancelResult {
  cancelled: number;
  /** The runs cancelled (for a single cancel: the run, or nothing when it was not waiting or is starting now). */
  ids: string[];
  /** Batches whose counters changed: the caller advances their sequential order and completion. */
  batchIds: string[];
}

type CancelRecord = { cancelled: number; batch_ids: string[]; ids: string[] };
const cancelResult = (r: CancelRecord): CancelResult => ({ cancelled: r.cancelled, ids: r.ids, batchIds: r.batch_ids });

/** Cancels one waiting run with its job. */
export async function cancelScheduledRun(sql: Queryable, id: string, now: Date): Promise<CancelResult> {
  const [row] = await sql.unsafe<CancelRecord[]>(cancelOneStatement, [now, id] as never, { prepare: true });
  return cancelResult(row);
}

/** Cancels every waiting run the filter selects (an empty filter: all of them) with their jobs. */
export async function cancelScheduledRuns(sql: Queryable, f: ScheduledFilter, now: Date): Promise<CancelResult> {
  const [row] = await sql.unsafe<CancelRecord[]>(cancelWhereStatement, [now, ...filterParams(sql, f)] as never, { prepare: false });
  return cancelResult(row);
}

/** Cancels the waiting runs these executions or branches scheduled (workflow:start with a delay), with their jobs. */
export async function cancelScheduledRunsOf(sql: Queryable, parentIds: readonly string[], now: Date): Promise<CancelResult> {
  const [row] = await sql.unsafe<CancelRecord[]>(cancelOfParentsStatement, [now, parentIds as string[]] as never, { prepare: true });
  return cancelResult(row);
}

// ---- run now --------------------------------------------------------------------------------------

// scheduled_runs_pkey, then jobs_dedupe_key_key: the run's job (or a new one, for a sequential item
// that had none yet) becomes due now, unless a worker holds it already.
const runNowStatement = `
  with run as (
    update nightshift.scheduled_runs set run_now_at = case when due_at > $2 then $2 else run_now_at end
    where id = $1 and ${stillWaiting('scheduled_runs')}
    returning id
  )
  insert into nightshift.jobs (kind, payload, run_at, dedupe_key)
  select '${jobKinds.scheduledStart}', ${scheduledStartPayloadSql('runId', 'id')}, $2, '${scheduledKeyPrefixes.run}' || id from run
  on conflict (dedupe_key) do update set run_at = excluded.run_at where nightshift.jobs.lease_owner is null
  returning id`;

/** Makes a waiting run due now; false when it is not waiting or is being started already. */
export async function runScheduledRunNow(sql: Queryable, id: string, now: Date): Promise<boolean> {
  const rows = await sql.unsafe(runNowStatement, [id, now] as never, { prepare: true });
  return rows.length > 0;
}

// executions_pkey for the row, executions_root_id_idx for its branches (they share its root), then
// jobs_dedupe_key_key for each Wait timer. Only Wait timers move: a Task's timeout stays.
const wakeStatement = `
  update nightshift.jobs j set run_at = $2
  from nightshift.executions e
  where e.root_id = (select root_id from nightshift.executions where id = $1)
    and (e.id = $1 or e.owner_id = $1)
    and e.status = 'RUNNING' and e.snapshot -> 'pending' ->> 'kind' = 'wait'
    and j.dedupe_key = 'timer:' || e.id || ':' || (e.snapshot -> 'pending' ->> 'timerId')
    and j.lease_owner is null
  returning e.id as thread_id`;

/** Wakes an execution (and each of its branches) sleeping in a Wait now; answers the rows woken. */
export async function wakeSleepingThreads(sql: Queryable, executionId: string, now: Date): Promise<string[]> {
  const rows = await sql.unsafe<Array<{ thread_id: string }>>(wakeStatement, [executionId, now] as never, { prepare: true });
  return rows.map((r) => r.thread_id);
}

// ---- cron -----------------------------------------------------------------------------------------

export interface CronFire {
  scheduleId: string;
  workflowName: string;
  key: string | null;
  dueAt: Date;
  input: Json;
}

// schedules_next_fire_at_idx. The schedules table comes with cron schedules (a later migration):
// without it there is nothing to list.
const cronStatement = `
  select id, workflow_name, key, next_fire_at, input from nightshift.schedules
  where next_fire_at is not null
    and ($2::text is null or workflow_name = $2)
    and ($3::timestamptz is null or next_fire_at < $3)
    and ($4::timestamptz is null or next_fire_at >= $4)
    and ($5::jsonb is null or input @> $5)
    and ($6::timestamptz is null or (next_fire_at >= $6 and (next_fire_at > $6 or id::text collate "C" > $7)))
  order by next_fire_at, id
  limit $1`;

/** The next fire of each active cron schedule, soonest first; nothing when schedules do not exist here. */
export async function listCronFires(sql: Queryable, f: ScheduledFilter, after: SchedulerCursor | null, limit: number): Promise<CronFire[]> {
  const [exists] = await sql.unsafe<Array<{ present: boolean }>>("select to_regclass('nightshift.schedules') is not null as present", [], { prepare: true });
  if (!exists?.present) return [];
  const [workflow, , before, from, input] = filterParams(sql, f);
  const rows = await sql.unsafe<Array<{ id: string; workflow_name: string; key: string | null; next_fire_at: Date; input: Json }>>(
    cronStatement,
    [limit, workflow, before, from, input, after?.dueAt ?? null, after?.id ?? null] as never,
    { prepare: false },
  );
  return rows.map((r) => ({ scheduleId: r.id, workflowName: r.workflow_name, key: r.key, dueAt: r.next_fire_at, input: r.input }));
}
