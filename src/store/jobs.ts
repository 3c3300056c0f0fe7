import type { Json } from '../shared/index.ts';
import { canListen, type Queryable, type Sql } from './connection.ts';
import { versionedRowOf, type ExecutionJson, type VersionedRow } from './execution-record.ts';

/**
 * The job queue. Every function takes `now` from the caller (tests move time), runs one fixed
 * statement, and accepts the pool or a transaction, so a step's jobs commit with the step.
 * Statements run in READ COMMITTED (the default): SKIP LOCKED and lease re-checks rely on it.
 */

export interface NewJob {
  kind: string;
  /** Not claimed before this time. */
  runAt: Date;
  executionId?: string | null;
  /** Defaults to `{}`; a JSON `null` is stored as `{}` too. */
  payload?: Json;
  /** Higher runs first among due jobs; default 0. Keep to a few distinct values: claims visit each. */
  priority?: number;
  /** A job whose key is already in the table is not enqueued. */
  dedupeKey?: string | null;
  /** invoke jobs: the resource called; only workers that serve it claim the job. Null: any worker. */
  resource?: string | null;
  /**
   * Leased at birth to a worker of this process that runs it at once, with no claim (eager dispatch,
   * runtime/durable/eager.ts); counts as the first attempt. Absent: queued for any worker's claim.
   */
  lease?: { owner: string; expiresAt: Date } | null;
}

/** Jobs leased at birth that a write inserted: their ids by dedupe key (a key already taken inserted nothing). */
export type LeasedJobIds = Map<string, number>;

export interface ClaimedJob {
  id: number;
  kind: string;
  executionId: string | null;
  payload: Json;
  runAt: Date;
  priority: number;
  /** 1 on the first claim; more when an earlier lease expired or the job was released. */
  attempts: number;
  leaseExpiresAt: Date;
  dedupeKey: string | null;
  /**
   * Step and invoke jobs: their execution (or branch) row as the claim read it, null when it is gone;
   * only on the first job of each execution in one claim (absent on the others).
   */
  execution?: VersionedRow | null;
}

export interface ClaimOptions {
  workerId: string;
  now: Date;
  /** Most jobs taken by this call; batches are what make the queue fast (PERFORMANCE.md lesson 1). */
  limit: number;
  leaseMs: number;
  /** The resources this worker serves (`servedResources`); absent or null: every resource. */
  served?: ServedResources | null;
}

/**
 * What a worker serves, as the claim statement reads it: exact names, and LIKE patterns for the
 * names that end in `*` (`activity:*` → `activity:%`, with `%`, `_` and `\` escaped).
 */
export interface ServedResources {
  names: string[];
  patterns: string[];
}

export function servedResources(resources: readonly string[]): ServedResources {
  const names: string[] = [];
  const patterns: string[] = [];
  for (const resource of resources) {
    if (resource.endsWith('*')) patterns.push(`${resource.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    else names.push(resource);
  }
  return { names, patterns };
}

/** The NOTIFY channel that wakes idle workers. A hint only: polling guarantees progress. */
export const jobsChannel = 'nightshift_jobs';

// The due jobs of a priority level are a contiguous range of jobs_claim_idx (priority = p,
// run_at <= now, in order), but "all priorities, highest first" is not: future jobs of a high
// level sit in the index before due jobs of a lower one, and reading past them would cost one
// index entry per waiting timer. Measured here with 100 000 timers and 10 due jobs: the plain
// `order by priority desc, run_at limit n` read all 100 000 rows (7 ms per claim); walking the
// levels read 73 buffers (0.1 ms). So these statements first list the priority levels with a
// loose index scan over jobs_claim_idx (one probe per level) and then read each level's range.
// Postgres returns the recursive rows in the order they are produced (highest level first) and a
// nested loop keeps that order, which the claim's LIMIT relies on.
const priorityLevels = `
  levels (priority) as (
    (select priority from nightshift.jobs
      where lease_owner is null
      order by priority desc
      limit 1)
    union all
    select (select j.priority from nightshift.jobs j
             where j.lease_owner is null and j.priority < levels.priority
             order by j.priority desc
             limit 1)
    from levels
    where levels.priority is not null
  )`;

// What every job insert writes from a `jobRecords` row (here, in the step writes and in the starts written
// at once): a job leased at birth has its lease and its first attempt counted.
const jobColumns = 'kind, execution_id, payload, run_at, priority, dedupe_key, resource, lease_owner, lease_expires_at, attempts';
const jobValues = (j: string): string =>
  `${j}.kind, ${j}.execution_id, coalesce(${j}.payload, '{}'), ${j}.run_at, coalesce(${j}.priority, 0), ${j}.dedupe_key, ${j}.resource, ` +
  `${j}.lease_owner, ${j}.lease_expires_at, (${j}.lease_owner is not null)::int`;
const jobRecordType =
  'kind text, execution_id uuid, payload jsonb, run_at timestamptz, priority int, dedupe_key text, resource text, lease_owner text, lease_expires_at timestamptz';

// $n jobs as a JSON array (`jobRecords`). One statement for any number of jobs (a JSON parameter
// has no 65 535-parameter limit). ON CONFLICT relies on jobs_dedupe_key_key; rows without a key
// never conflict. Also the last part of the step write (`saveStepStates`), which inserts a step's
// jobs in the statement that writes its row.
export const insertJobsFrom = (n: number): string => `
  insert into nightshift.jobs (${jobColumns})
  select ${jobValues('j')}
  from jsonb_to_recordset($${n}::jsonb) as j(${jobRecordType})
  on conflict (dedupe_key) do nothing`;

/**
 * Inserts the jobs of parameter $n (`jobRecords` rows, each naming in `owner` the row whose write adds
 * it), only those whose owner `written` (a query of ids) selects, and answers `leasedReturning`: the
 * statements that write steps and starts at once (unlocked-steps.ts, started-executions.ts).
 */
export const insertOwnedJobsFrom = (n: number, owner: string, written: string): string => `
  insert into nightshift.jobs (${jobColumns})
  select ${jobValues('j')}
  from jsonb_to_recordset($${n}::jsonb) as j(${owner} uuid, ${jobRecordType})
  where j.${owner} in (${written})
  on conflict (dedupe_key) do nothing
  returning ${leasedReturning}`;

/** The rows a job insert returns (`returning` these columns) read as the ids of the jobs leased at birth. */
export const leasedReturning = 'id, dedupe_key, lease_owner is not null as leased';
export function leasedIdsOf(rows: ReadonlyArray<{ id: number | string; dedupe_key: string | null; leased: boolean }>): LeasedJobIds {
  const ids: LeasedJobIds = new Map();
  for (const r of rows) if (r.leased && r.dedupe_key !== null) ids.set(r.dedupe_key, Number(r.id));
  return ids;
}

const enqueueStatement = `${insertJobsFrom(1)}
  returning id`;

/** Jobs as the rows `insertJobsFrom` reads. */
export function jobRecords(jobs: readonly NewJob[]): Array<Record<string, unknown>> {
  return jobs.map((job) => ({
    kind: job.kind,
    execution_id: job.executionId ?? null,
    payload: job.payload ?? null,
    run_at: job.runAt.toISOString(),
    priority: job.priority ?? 0,
    dedupe_key: job.dedupeKey ?? null,
    resource: job.resource ?? null,
    lease_owner: job.lease?.owner ?? null,
    lease_expires_at: job.lease?.expiresAt.toISOString() ?? null,
  }));
}

// Whether this worker serves the job ($n exact names, null: every resource; $n+1 LIKE patterns).
// Only invoke jobs have a resource; a null resource, or null names, makes the whole test null, which
// counts as served. One expression, not an OR of three: the planner gives it a fixed selectivity, so
// it stays a filter on the ordered index scans (an OR's lower estimate made the lease-expiry part a
// bitmap scan plus a sort of every expired job, test/integration/job-claim-plan.test.ts). Jobs no
// running worker serves are read past by every claim (one index entry each) until one comes.
const servedBy = (n: number) =>
  `coalesce(resource = any($${n}::text[]) or resource like any($${n + 1}::text[]), true)`;

// $1 now, $2 limit, $3 worker id, $4 lease expiry, $5/$6 what the worker serves. Jobs whose lease ran out come first (found
// through jobs_lease_expires_at_idx, which holds in-flight jobs only), then due unleased jobs by
// priority and run_at (jobs_claim_idx, level by level). Rows are locked one by one as the LIMIT
// pulls them, so a claimer never holds more than it takes, and SKIP LOCKED lets concurrent
// claimers pass each other. Locked rows are re-checked against the latest version, so a job
// another worker leased a moment ago is skipped. The UPDATE finds the rows it locked by their
// tuple ids (a TID scan, whatever the statistics say; locked rows cannot move before it runs).
// Joined by id instead, the planner, guessing hundreds of claimed rows, hashed the whole jobs table
// on every claim once the table was analysed (5 000 queued jobs: 1.5 of 2.4 ms per claim of 25,
// growing with the queue) and, with an array of ids, scanned it when statistics said "empty".
// Step and invoke jobs come with their execution row as it is now, and its version (executions_pkey):
// the step that records their event writes it unlocked if it is still that version (unlocked-steps.ts),
// without reading it again. Only the first job of each execution brings it: the 10 000 children of a
// Map end on one parent whose row holds their items, and a row for each of their jobs made a
// 10 000-item Map several times slower (test/integration/map-10k.test.ts timed out).
const claimStatement = `
  with recursive ${priorityLevels},
  expired as (
    select ctid from nightshift.jobs
    where lease_owner is not null and lease_expires_at <= $1::timestamptz and ${servedBy(5)}
    order by lease_expires_at
    limit $2::int
    for update skip locked
  ),
  due as (
    select level_jobs.ctid
    from levels
    cross join lateral (
      select ctid from nightshift.jobs
      where lease_owner is null and priority = levels.priority and run_at <= $1::timestamptz and ${servedBy(5)}
      order by run_at, id
      limit $2::int
      for update skip locked
    ) level_jobs
    limit $2::int - (select count(*) from expired)
  ),
  claimed as (
    update nightshift.jobs j
    set lease_owner = $3::text, lease_expires_at = $4::timestamptz, attempts = j.attempts + 1
    where j.ctid = any(array(select ctid from expired union all select ctid from due))
    returning j.id, j.kind, j.execution_id, j.payload, j.run_at, j.priority, j.attempts,
      j.lease_expires_at, j.dedupe_key
  )
  select c.*,
    case when c.kind in ('step', 'invoke') and c.id = min(c.id) over (partition by c.execution_id) then
      (select to_jsonb(e) || jsonb_build_object('row_version', e.xmin::text) from nightshift.executions e where e.id = c.execution_id)
    end as execution
  from claimed c`;

// $1 worker id, $2 ids. jobs_pkey; the lease_owner condition makes a worker whose lease was
// taken over unable to delete (or release, or extend) the new owner's job.
const completeStatement = `
  delete from nightshift.jobs
  where id = any($2::bigint[]) and lease_owner = $1::text
  returning id`;

// $1 worker id, $2 ids, $3 new run_at or null to keep it. jobs_pkey.
const releaseStatement = `
  update nightshift.jobs
  set lease_owner = null, lease_expires_at = null, run_at = coalesce($3::timestamptz, run_at)
  where id = any($2::bigint[]) and lease_owner = $1::text
  returning id`;

// $1 worker id, $2 ids, $3 new lease expiry. jobs_pkey.
const extendStatement = `
  update nightshift.jobs
  set lease_expires_at = $3::timestamptz
  where id = any($2::bigint[]) and lease_owner = $1::text
  returning id`;

// The earliest unleased run_at (first entry of each level of jobs_claim_idx) and the earliest
// lease expiry (first entry of jobs_lease_expires_at_idx): one index probe per priority level,
// among the jobs this worker serves ($1/$2 as $5/$6 of the claim).
const nextDueStatement = `
  with recursive ${priorityLevels}
  select least(
    (select min(first_job.run_at)
      from levels
      cross join lateral (
        select run_at from nightshift.jobs
        where lease_owner is null and priority = levels.priority and ${servedBy(1)}
        order by run_at
        limit 1
      ) first_job),
    (select min(lease_expires_at) from nightshift.jobs where lease_owner is not null and ${servedBy(1)})
  ) as due_at`;

interface JobRow {
  id: number;
  kind: string;
  execution_id: string | null;
  payload: Json;
  run_at: Date;
  priority: number;
  attempts: number;
  lease_expires_at: Date;
  dedupe_key: string | null;
  execution?: ExecutionJson | null;
}

/** Inserts all jobs in one statement; returns the ids of those inserted (not the deduplicated ones). */
export async function enqueueJobs(sql: Queryable, jobs: readonly NewJob[]): Promise<number[]> {
  if (jobs.length === 0) return [];
  const inserted = await sql.unsafe<{ id: number }[]>(enqueueStatement, [sql.json(jobRecords(jobs) as never)], { prepare: true });
  return inserted.map((row) => row.id);
}

/**
 * Leases up to `limit` due jobs to `workerId` until `now + leaseMs` and counts an attempt on each,
 * in one statement. Returned highest priority first, then by run_at.
 */
export async function claimDueJobs(sql: Queryable, options: ClaimOptions): Promise<ClaimedJob[]> {
  if (options.limit <= 0) return [];
  const leaseExpiresAt = new Date(options.now.getTime() + options.leaseMs);
  const rows = await sql.unsafe<JobRow[]>(
    claimStatement,
    [options.now, options.limit, options.workerId, leaseExpiresAt, ...servedParameters(options.served)],
    { prepare: true },
  );
  return rows.map(toClaimedJob).sort(byPriorityThenRunAt);
}

/** Deletes finished jobs still leased by `workerId`; returns the ids it deleted. */
export async function completeJobs(sql: Queryable, workerId: string, ids: readonly number[]): Promise<number[]> {
  return leasedIds(sql, completeStatement, workerId, ids);
}

/**
 * Gives jobs back without finishing them (shutdown, or retry later when `runAt` is given). Their
 * attempts stay counted. Returns the ids still leased by `workerId`, which are the ones released.
 */
export async function releaseJobs(
  sql: Queryable,
  workerId: string,
  ids: readonly number[],
  runAt?: Date,
): Promise<number[]> {
  return leasedIds(sql, releaseStatement, workerId, ids, runAt ?? null);
}

/**
 * Moves the lease of jobs still held by `workerId` to `now + leaseMs`. A job missing from the
 * result was taken over by another worker: stop working on it.
 */
export async function extendLeases(
  sql: Queryable,
  workerId: string,
  ids: readonly number[],
  leaseMs: number,
  now: Date,
): Promise<number[]> {
  return leasedIds(sql, extendStatement, workerId, ids, new Date(now.getTime() + leaseMs));
}

/**
 * When the next job becomes claimable (its run_at, or the expiry of a lease nobody renewed):
 * `now` if one is claimable already, null if the queue is empty. An idle loop sleeps until then,
 * or until a NOTIFY arrives.
 */
export async function nextDueAt(sql: Queryable, now: Date, served: ServedResources | null = null): Promise<Date | null> {
  const [row] = await sql.unsafe<{ due_at: Date | null }[]>(nextDueStatement, servedParameters(served), { prepare: true });
  if (!row?.due_at) return null;
  return row.due_at.getTime() < now.getTime() ? now : row.due_at;
}

/**
 * Wakes listeners once the current transaction commits (nothing is sent on rollback). Call it once
 * per batch: every NOTIFY takes a cluster-wide lock at commit (PERFORMANCE.md lesson 2).
 */
export async function notifyJobsAvailable(sql: Queryable): Promise<void> {
  await sql.unsafe('select pg_notify($1, $2)', [jobsChannel, ''], { prepare: true });
}

/**
 * Calls `onWake` on each notification. The listening connection is the pool's dedicated one and
 * reconnects by itself; notifications sent while it was down are lost, so `onWake` is also called
 * after every re-subscription (not the first one).
 */
export async function listenForJobs(sql: Sql, onWake: () => void): Promise<{ unlisten(): Promise<void> }> {
  // Through a pooler without a direct connection nothing listens: the worker's polling finds every job.
  if (!canListen(sql)) return { unlisten: async () => {} };
  // postgres.js re-registers listeners after a reconnect under new identities, which its
  // unlisten() then no longer finds; the flag keeps such a leftover listener silent.
  let active = true;
  let subscriptions = 0;
  const listening = await sql.listen(
    jobsChannel,
    () => {
      if (active) onWake();
    },
    () => {
      subscriptions += 1;
      if (active && subscriptions > 1) onWake();
    },
  );
  return {
    unlisten: async () => {
      active = false;
      await listening.unlisten();
    },
  };
}

function servedParameters(served: ServedResources | null | undefined): [string[] | null, string[]] {
  return served ? [served.names, served.patterns] : [null, []];
}

/** Runs one of the statements keyed by worker id and job ids ($1, $2) and returns the ids it touched. */
async function leasedIds(
  sql: Queryable,
  statement: string,
  workerId: string,
  ids: readonly number[],
  ...rest: (Date | null)[]
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await sql.unsafe<{ id: number }[]>(statement, [workerId, ids, ...rest], { prepare: true });
  return rows.map((row) => row.id);
}

function toClaimedJob(row: JobRow): ClaimedJob {
  return {
    id: row.id,
    kind: row.kind,
    executionId: row.execution_id,
    payload: row.payload,
    runAt: row.run_at,
    priority: row.priority,
    attempts: row.attempts,
    leaseExpiresAt: row.lease_expires_at,
    dedupeKey: row.dedupe_key,
    ...(row.execution ? { execution: versionedRowOf(row.execution) } : {}),
  };
}

function byPriorityThenRunAt(a: ClaimedJob, b: ClaimedJob): number {
  return b.priority - a.priority || a.runAt.getTime() - b.runAt.getTime() || a.id - b.id;
}

/** Removes jobs by dedupe key (a timer called off, an invocation no longer wanted), leased or not. */
export async function deleteJobsByKey(sql: Queryable, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  // jobs_dedupe_key_key.
  const rows = await sql.unsafe('delete from nightshift.jobs where dedupe_key = any($1::text[]) returning id', [keys as string[]] as never, { prepare: true });
  return rows.length;
}

/** Whether this worker still holds the job: false once it was deleted (called off) or taken over. */
export async function holdsJob(sql: Queryable, workerId: string, id: number): Promise<boolean> {
  // jobs_pkey.
  const rows = await sql.unsafe('select 1 from nightshift.jobs where id = $1 and lease_owner = $2', [id, workerId] as never, { prepare: true });
  return rows.length > 0;
}
