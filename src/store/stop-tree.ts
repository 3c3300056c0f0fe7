/**
 * What a stop reaches: the execution, its branches (Parallel branches, Map iterations) and the
 * executions it started that still run, and theirs, however deep — the stop tree. A stop writes, in
 * one transaction, a `step` job with the stop event for each execution of the tree (dedupe key
 * `stop:<id>`: a stop is pending) and cancels the runs the tree scheduled. A workflow:start with a
 * delay racing the stop locks the starter's execution row first (lockStarter), so it either commits
 * before the stop looks for runs to cancel, or sees the pending stop and schedules nothing.
 */
import type { Queryable } from './connection.ts';

export interface StopTree {
  /** Every row of the tree (executions and branches) with the execution it belongs to: the runs they scheduled are cancelled. */
  threads: Array<{ id: string; executionId: string }>;
  /** The running executions of the tree, the stopped one first, each with the execution that started it. */
  executions: Array<{ id: string; starterId: string | null }>;
}

// executions_parent_id_idx, from the execution down: branches whatever their status (their runs go
// with their execution), executions only while they run (one that ended keeps what it scheduled).
const treeStatement = `
  with recursive tree as (
    select id, kind, status, parent_id, owner_id, 0 as level from nightshift.executions where id = $1
    union all
    select e.id, e.kind, e.status, e.parent_id, e.owner_id, t.level + 1 from nightshift.executions e join tree t on e.parent_id = t.id
    where e.kind = 'branch' or e.status = 'RUNNING'
  )
  select t.id, t.kind, t.status, coalesce(t.owner_id, t.id) as execution_id, coalesce(p.owner_id, p.id) as starter_id
  from tree t left join nightshift.executions p on p.id = t.parent_id
  order by t.level, t.id`;

/** The stop tree of an execution, read without locks (lockRunningExecutions follows). */
export async function findStopTree(sql: Queryable, executionId: string): Promise<StopTree> {
  const rows = await sql.unsafe<Array<{ id: string; kind: string; status: string; execution_id: string; starter_id: string | null }>>(
    treeStatement, [executionId], { prepare: true });
  return {
    threads: rows.map((r) => ({ id: r.id, executionId: r.execution_id })),
    executions: rows
      .filter((r) => r.kind === 'execution' && r.status === 'RUNNING')
      .map((r) => ({ id: r.id, starterId: r.id === executionId ? null : r.starter_id })),
  };
}

// executions_pkey, in id order (two stops of overlapping trees lock in the same order). Answers the
// ids still running once locked.
export async function lockRunningExecutions(sql: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql.unsafe<Array<{ id: string }>>(
    `select id from nightshift.executions where id = any($1::uuid[]) and status = 'RUNNING' order by id for no key update`,
    [ids as string[]] as never,
    { prepare: true },
  );
  return rows.map((r) => r.id);
}

export interface StarterState {
  /** The execution the thread belongs to (a branch's owner, or the thread itself). */
  executionId: string;
  status: string;
  /** A stop was written for it and not delivered yet. */
  stopping: boolean;
}

// executions_pkey twice (the thread, its owner), then jobs_dedupe_key_key.
const starterStatement = (lock: string) => `
  select e.id, e.status, exists (select 1 from nightshift.jobs j where j.dedupe_key = 'stop:' || e.id) as stopping
  from nightshift.executions t join nightshift.executions e on e.id = coalesce(t.owner_id, t.id)
  where t.id = $1
  ${lock}`;
const starterLocked = starterStatement('for share of e');
const starterRead = starterStatement('');

type StarterRecord = { id: string; status: string; stopping: boolean };
const toStarter = (r: StarterRecord | undefined): StarterState | null => (r ? { executionId: r.id, status: r.status, stopping: r.stopping } : null);

/**
 * Locks the execution a thread belongs to against a stop being written (FOR SHARE) until the
 * transaction ends. Read the state again with starterState afterwards: a stop that committed while
 * this waited is only seen by a later statement.
 */
export async function lockStarter(sql: Queryable, threadId: string): Promise<void> {
  await sql.unsafe(starterLocked, [threadId], { prepare: true });
}

/** The state of the execution a thread belongs to: null when the thread has no row. */
export async function starterState(sql: Queryable, threadId: string): Promise<StarterState | null> {
  const [row] = await sql.unsafe<StarterRecord[]>(starterRead, [threadId], { prepare: true });
  return toStarter(row);
}
