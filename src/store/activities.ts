/**
 * Activity tasks: the tasks of `activity:<name>` states, waiting for an external worker to poll them.
 *
 * The poll must hand the worker the task token itself, and task_tokens keeps only its hash, so the
 * token is stored here in plain text until a worker takes the task; the claim clears it in the same
 * statement. Encrypting it with a configured key was considered and not done: the same token is
 * already in plain text in the execution's snapshot (`$$.Task.Token`) and in the invoke job's
 * payload, readable by exactly the roles that can read this table, so a key would add set-up and
 * protect nothing. What the token grants is small anyway: answering this one task, once, before it
 * expires.
 */
import type { Json } from '../shared/index.ts';
import type { Queryable, Sql } from './connection.ts';
import { hashToken } from './task-tokens.ts';

/** The NOTIFY channel that wakes pollers; the payload is the activity name. A hint only: pollers also poll. */
export const activitiesChannel = 'nightshift_activities';

/** Names too long for a NOTIFY payload (under 8000 bytes) are announced as '' and wake every poller. */
const maxNotifiedNameBytes = 1000;

export interface NewActivityTask {
  activity: string;
  token: string;
  executionId: string;
  stateName: string;
  input: Json;
  now: Date;
}

export interface ClaimedActivityTask {
  taskToken: string;
  input: Json;
  executionId: string;
  stateName: string;
}

// Inserts only while the token can still be answered (the state still waits), and once per token:
// a repeated delivery of the invoke job must not hand the task out a second time, which is why a
// taken row stays (without its token) instead of being deleted. The NOTIFY is sent on commit.
const enqueueStatement = `
  with inserted as (
    insert into nightshift.activity_tasks (token_hash, activity, execution_id, state_name, token, input, created_at)
    select t.token_hash, $2, t.execution_id, t.state_name, $3, coalesce($4::jsonb, 'null'::jsonb), $5
    from nightshift.task_tokens t
    where t.token_hash = $1 and t.used_at is null and (t.expires_at is null or t.expires_at > $5)
    on conflict (token_hash) do nothing
    returning activity
  )
  select pg_notify($6, case when octet_length(activity) <= ${maxNotifiedNameBytes} then activity else '' end) as notified
  from inserted`;

/**
 * Queues the task of a waiting activity state. Answers 'not-queued' when the task was queued before
 * or its token is unknown, answered or expired (findTaskToken tells which).
 */
export async function enqueueActivityTask(sql: Queryable, task: NewActivityTask): Promise<'queued' | 'not-queued'> {
  const rows = await sql.unsafe(
    enqueueStatement,
    [hashToken(task.token), task.activity, task.token, sql.json(task.input as never), task.now, activitiesChannel] as never,
    { prepare: true },
  );
  return rows.length > 0 ? 'queued' : 'not-queued';
}

// The oldest waiting task of the activity, a range of activity_tasks_waiting_idx. SKIP LOCKED lets
// concurrent pollers take different tasks, never the same one. Tasks whose token can no longer be
// answered (the state timed out or the execution stopped) are passed over: a worker never gets them.
// The token is read by the locking CTE because RETURNING sees the row after the update cleared it.
const claimStatement = `
  with next as (
    select a.token_hash, a.token
    from nightshift.activity_tasks a
    join nightshift.task_tokens t on t.token_hash = a.token_hash
    where a.activity = $1 and a.claimed_at is null
      and t.used_at is null and (t.expires_at is null or t.expires_at > $2)
    order by a.created_at, a.token_hash
    limit 1
    for update of a skip locked
  )
  update nightshift.activity_tasks a
  set claimed_at = $2, claimed_by = $3, token = null
  from next
  where a.token_hash = next.token_hash
  returning next.token, a.input, a.execution_id, a.state_name`;

/** Takes the oldest task of an activity that can still be answered, or null when there is none. */
export async function claimActivityTask(sql: Queryable, activity: string, workerName: string | null, now: Date): Promise<ClaimedActivityTask | null> {
  const [row] = await sql.unsafe<{ token: string; input: Json; execution_id: string; state_name: string }[]>(
    claimStatement,
    [activity, now, workerName] as never,
    { prepare: true },
  );
  return row ? { taskToken: row.token, input: row.input, executionId: row.execution_id, stateName: row.state_name } : null;
}

// Waiting tasks whose token can no longer be answered, a bounded batch at a time: the claim passes
// over them, and this keeps them from piling up at the head of activity_tasks_waiting_idx. Their
// token is dead, so dropping them loses nothing; taken rows go with their execution.
const removeEndedStatement = `
  delete from nightshift.activity_tasks
  where token_hash in (
    select a.token_hash
    from nightshift.activity_tasks a
    join nightshift.task_tokens t on t.token_hash = a.token_hash
    where a.activity = $1 and a.claimed_at is null
      and (t.used_at is not null or t.expires_at <= $2)
    limit $3
    for update of a skip locked
  )`;

/** Removes up to `limit` waiting tasks of an activity whose state no longer waits; answers how many. */
export async function removeEndedActivityTasks(sql: Queryable, activity: string, now: Date, limit = 100): Promise<number> {
  const result = await sql.unsafe(removeEndedStatement, [activity, now, limit] as never, { prepare: true });
  return result.count;
}

/**
 * Calls `onTask` with the activity name of each task queued from now on ('' for a name too long to
 * announce). Notifications sent while the listening connection was down are lost: callers poll too.
 */
export async function listenForActivityTasks(sql: Sql, onTask: (activity: string) => void): Promise<{ unlisten(): Promise<void> }> {
  let active = true;
  const listening = await sql.listen(activitiesChannel, (payload) => {
    if (active) onTask(payload);
  });
  return {
    unlisten: async () => {
      active = false;
      await listening.unlisten();
    },
  };
}
