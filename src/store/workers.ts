/**
 * The workers running now and what each serves (issue 12): a worker writes its row when it starts,
 * renews it while it runs and deletes it when it stops; a row past its expiry is a worker that died.
 * The API reads them to tell a Task that waits for a busy worker from one that no running worker
 * serves. The table holds one row per worker: every statement here scans it.
 */
import type { Json } from '../shared/index.ts';
import type { Queryable } from './connection.ts';
import type { ScheduledFilter, SchedulerCursor, BranchPosition } from './scheduler.ts';

export interface WorkerAdvert {
  id: string;
  /** Names it serves; a name ending in `*` serves every name that starts with the rest (`activity:*`). */
  resources: readonly string[];
  now: Date;
  /** How long the row counts without a renewal. */
  ttlMs: number;
}

// workers_pkey.
export async function advertiseWorker(sql: Queryable, advert: WorkerAdvert): Promise<void> {
  await sql.unsafe(
    `insert into nightshift.workers (id, resources, started_at, seen_at, expires_at) values ($1, $2::text[], $3, $3, $4)
     on conflict (id) do update set resources = excluded.resources, seen_at = excluded.seen_at, expires_at = excluded.expires_at`,
    [advert.id, advert.resources as string[], advert.now, new Date(advert.now.getTime() + advert.ttlMs)] as never,
    { prepare: true },
  );
}

/** Removes a stopping worker's row, and the rows of workers gone for a day (they never said goodbye). */
export async function removeWorker(sql: Queryable, id: string, now: Date): Promise<void> {
  await sql.unsafe(
    `delete from nightshift.workers where id = $1 or expires_at < $2::timestamptz - interval '1 day'`,
    [id, now] as never,
    { prepare: true },
  );
}

// Whether a live worker serves the job's resource `j.resource` ($n: now).
const servedByLiveWorker = (n: number) => `exists (
    select 1 from nightshift.workers w
    where w.expires_at > $${n}::timestamptz
      and (j.resource = any(w.resources)
        or exists (select 1 from unnest(w.resources) r where r like '%*' and starts_with(j.resource, left(r, -1)))))`;

// executions_pkey + executions_owner_id_idx for the threads, jobs_execution_id_idx for their jobs.
const unservedOfExecution = `
  select distinct j.resource
  from nightshift.executions e
  join nightshift.jobs j on j.execution_id = e.id
  where (e.id = $1 or e.owner_id = $1) and j.resource is not null and j.lease_owner is null
    and not ${servedByLiveWorker(2)}
  order by j.resource`;

/** The resources the execution (or one of its branches) waits for that no running worker serves. */
export async function unservedResourcesOf(sql: Queryable, executionId: string, now: Date): Promise<string[]> {
  const rows = await sql.unsafe<{ resource: string }[]>(unservedOfExecution, [executionId, now] as never, { prepare: true });
  return rows.map((r) => r.resource);
}

export interface UnservedTask {
  /** `<thread id>:<invocation id>`, as a task-token wait's. */
  id: string;
  threadId: string;
  executionId: string;
  workflowName: string;
  stateName: string | null;
  resource: string;
  /** Since when the Task waits (its job's run_at). */
  since: Date;
  input: Json;
  branch: BranchPosition | null;
}

// jobs_resource_idx (invoke jobs nobody claimed), each joined to its row (executions_pkey). Sorted by
// the time the Task began to wait; filters and keyset as the other Scheduler sources ($2..$7).
const unservedStatement = `
  select * from (
    select e.id::text || ':' || (j.payload ->> 'invocationId') as id, e.id as thread_id, coalesce(e.owner_id, e.id) as execution_id,
           e.workflow_name, j.payload ->> 'stateName' as state_name, j.resource, j.run_at, e.input, e.child_index, e.machine_id
    from nightshift.jobs j
    join nightshift.executions e on e.id = j.execution_id
    left join nightshift.executions o on o.id = e.owner_id
    where j.resource is not null and j.lease_owner is null and not ${servedByLiveWorker(8)}
      and ($2::text is null or e.workflow_name = $2)
      and ($3::timestamptz is null or j.run_at < $3)
      and ($4::timestamptz is null or j.run_at >= $4)
      and ($5::jsonb is null or e.input @> $5 or o.input @> $5)
  ) waiting
  where ($6::timestamptz is null or (run_at >= $6 and (run_at > $6 or id collate "C" > $7)))
  order by run_at, id collate "C"
  limit $1`;

/** Tasks whose resource no running worker serves, longest waiting first. */
export async function listUnservedTasks(sql: Queryable, f: ScheduledFilter, after: SchedulerCursor | null, limit: number, now: Date): Promise<UnservedTask[]> {
  const input = f.inputContains === undefined ? null : sql.json(f.inputContains as never);
  const rows = await sql.unsafe<Array<{ id: string; thread_id: string; execution_id: string; workflow_name: string; state_name: string | null; resource: string; run_at: Date; input: Json; child_index: number | null; machine_id: string }>>(
    unservedStatement,
    [limit, f.workflow ?? null, f.before ?? null, f.after ?? null, input, after?.dueAt ?? null, after?.id ?? null, now] as never,
    { prepare: false },
  );
  return rows.map((r) => ({
    id: r.id, threadId: r.thread_id, executionId: r.execution_id, workflowName: r.workflow_name, stateName: r.state_name, resource: r.resource,
    since: r.run_at, input: r.input, branch: r.child_index === null ? null : { machineId: r.machine_id, childIndex: r.child_index },
  }));
}
