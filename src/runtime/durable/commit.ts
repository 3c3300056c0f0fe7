/**
 * One step, one transaction: lock the execution (or branch) row, step the pure core, and write the
 * snapshot, the history events and every follow-up (jobs, branches, tokens) before committing. A job
 * that carried the event is deleted in the same transaction, and only while this worker still holds
 * its lease: a worker that lost its lease rolls back, so no state's success is recorded twice.
 */
import { historyDetailsFormat, snapshotFormat, step, type Snapshot, type StepEnv, type StepEvent, type HistoryEvent } from '../../core/index.ts';
import {
  deleteJobsByKey,
  lockExecutionsAndCompleteJobs,
  saveStepStates,
  type ExecutionRow,
  type NewJob,
  type Queryable,
  type Sql,
  type LeasedJobIds,
  type StepWrite,
  type VersionedRow,
} from '../../store/index.ts';
import type { Clock, EngineMetrics, EngineTracer, Json, JsonObject } from '../../shared/index.ts';
import { beforeStep, type ObservedStep } from './observe.ts';
import { hashText, newTaskToken } from '../env.ts';
import { Effects } from './effects.ts';
import type { ResourceRegistry } from '../../resources/index.ts';
import type { ContextCache } from './contexts.ts';
import type { MachineCache } from './machines.ts';
import { EagerLeases, queuedDueNow, type EagerSlots } from './eager.ts';

export interface CommitContext {
  sql: Sql;
  /** Transactional resources (sql:query) run inside the step from here. */
  registry?: ResourceRegistry;
  clock: Clock;
  machines: MachineCache;
  contexts: ContextCache;
  workerId: string;
  random?: () => number;
  /** Called after a commit that enqueued jobs due now: wakes workers (in this process and others). */
  onJobsDue?: () => void;
  /** History events a row may reach (limits.maxHistoryEvents); the next step fails it instead. */
  maxHistoryEvents?: number;
  /** Called once steps have committed (metrics, failure logs). */
  observe?: (steps: readonly ObservedStep[]) => void;
  metrics?: EngineMetrics;
  /** Spans of states and task attempts; absent when tracing is off. */
  tracer?: EngineTracer;
  /** This process's worker, which runs the Task calls its steps create at once when it has room (eager.ts); absent: none. */
  eager?: EagerSlots;
}

/** The job's lease was lost (taken over, or the job was called off): the transaction rolled back. */
export class LeaseLost extends Error {
  constructor(jobId: number) {
    super(`job ${jobId} is no longer held by this worker`);
    this.name = 'LeaseLost';
  }
}

export interface StepOutcome {
  status: ExecutionRow['status'] | 'MISSING';
  /** True when the event changed nothing (the execution had ended, or the event was stale). */
  ignored: boolean;
}

/** Events for one execution or branch, each with the job that carried it (if any). */
export interface Delivery {
  executionId: string;
  items: ReadonlyArray<{ event: StepEvent; jobId?: number }>;
  /** The row as the claim of its job read it (null: it was gone), for an unlocked step; absent: read it then. */
  seen?: VersionedRow | null;
}

export type DeliveryOutcome = StepOutcome & { delivered: number };

/**
 * Delivers several events to one execution in one transaction, in order: the branches of a Map that
 * end together cost their parent one commit, not one each. Events whose job this worker no longer
 * holds are left out (their new owner delivers them).
 */
export async function deliverEvents(ctx: CommitContext, executionId: string, items: Delivery['items']): Promise<DeliveryOutcome> {
  const [outcome] = await deliverBatch(ctx, [{ executionId, items }]);
  return outcome;
}

/**
 * Steps many executions in one transaction (group commit): one statement locks every row and deletes
 * the carrying jobs, each row is stepped in memory, one statement writes every row and history event,
 * then the follow-up jobs go in together. Executions must be distinct. If anything fails the whole
 * transaction rolls back and nothing is recorded (the caller may retry the deliveries one by one).
 */
export async function deliverBatch(ctx: CommitContext, deliveries: readonly Delivery[]): Promise<DeliveryOutcome[]> {
  let dueNow = false;
  let prepared: PreparedStep[] = [];
  const leases = new EagerLeases(ctx.eager, ctx.clock.now());
  let leased: LeasedJobIds = new Map();
  const outcomes = await leases.write(() => ctx.sql.begin(async (tx): Promise<DeliveryOutcome[]> => {
    prepared = [];
    const jobIds = deliveries.flatMap((d) => d.items.flatMap((i) => (i.jobId === undefined ? [] : [i.jobId])));
    const ids = deliveries.map((d) => d.executionId);
    const locked = await lockExecutionsAndCompleteJobs(tx, ids, ctx.workerId, jobIds);
    const results: DeliveryOutcome[] = [];
    for (const delivery of deliveries) {
      const row = locked.rows.get(delivery.executionId) ?? null;
      // No row: the execution is gone and its jobs with it; their events count as delivered.
      const events = delivery.items.filter((i) => i.jobId === undefined || !row || locked.held.has(i.jobId)).map((i) => i.event);
      const live = !row ? [] : row.status === 'RUNNING' ? events : events.filter((e) => e.type === 'redrive').slice(0, 1);
      if (!row || live.length === 0) {
        results.push({ status: row?.status ?? 'MISSING', ignored: true, delivered: events.length });
        continue;
      }
      const step = await prepareStep(ctx, tx, row, live);
      prepared.push(step);
      results.push({ status: step.status, ignored: false, delivered: events.length });
    }
    ({ dueNow, leased } = await writeSteps(tx, prepared, ctx.clock.now(), leases));
    return results;
  }));
  leases.commit(leased);
  committed(ctx, prepared, dueNow);
  return outcomes;
}

/** After a commit: wake workers for jobs due now, count the group, observe its steps. */
export function committed(ctx: CommitContext, prepared: readonly PreparedStep[], dueNow: boolean): void {
  if (dueNow) ctx.onJobsDue?.();
  if (prepared.length > 0) {
    ctx.metrics?.groupCommitted(prepared.length);
    ctx.observe?.(prepared.map((p) => p.observed));
  }
}

/** A branch starts from its own row: its input and outer variables are stored there once, not in its job. */
function branchStart(row: ExecutionRow): StepEvent {
  return { type: 'start', machineId: row.machineId, input: row.input, outerVars: (row.outerVars ?? {}) as JsonObject };
}

const terminal = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** A stepped row, not yet written: its new state and history, and the jobs it adds and calls off. */
export interface PreparedStep {
  status: ExecutionRow['status'];
  write: StepWrite;
  jobs: NewJob[];
  cancelKeys: string[];
  observed: ObservedStep;
}

/**
 * Steps a locked row with its events (and any follow-up the runtime answers at once, such as collected
 * branch results). Effects that are rows of their own (branches, task tokens, sql:query's work) are
 * written now, in the caller's transaction; the row, its history and its jobs are returned for
 * `writeSteps`. Without a transaction (an unlocked step, `unlocked.ts`) such an effect throws
 * NeedsTransaction.
 */
export async function prepareStep(ctx: CommitContext, tx: Queryable | null, row: ExecutionRow, events: readonly StepEvent[]): Promise<PreparedStep> {
  const before = beforeStep(row);
  const version = await ctx.machines.get(tx ?? ctx.sql, row.versionId);
  const nowMs = ctx.clock.now();
  const now = new Date(nowMs);
  const context = await ctx.contexts.get(tx ?? ctx.sql, row);
  const env: StepEnv = { now: nowMs, random: ctx.random ?? Math.random, hash: hashText, newTaskToken, context };
  const effects = new Effects(tx, row, now, { registry: ctx.registry, ignorePrivacyRules: version.ignorePrivacyRules });
  const history: HistoryEvent[] = [];
  let snapshot = row.snapshot === null ? null : snapshotFormat.decode(row.snapshot, `the snapshot of ${row.kind} ${row.id}`);
  const queue: StepEvent[] = historyFull(ctx, row) ?? events.map((e) => (e.type === 'start' && row.kind === 'branch' ? branchStart(row) : e));
  while (queue.length > 0) {
    const result = await step(version.machine, snapshot, queue.shift() as StepEvent, env);
    snapshot = result.snapshot;
    history.push(...result.events);
    for (const command of result.commands) await effects.apply(command);
    queue.push(...effects.followUps.splice(0));
  }
  const final = snapshot as Snapshot;
  const status = final.status;
  const update = {
    status,
    snapshot: snapshotFormat.encode(final),
    output: status === 'SUCCEEDED' ? (final.output ?? null) : null,
    error: final.error ?? null,
    cause: final.cause ?? null,
    eventCount: row.eventCount + history.length,
    stoppedAt: terminal.has(status) ? now : null,
    updatedAt: now,
  };
  // A workflow's flow.priority orders its jobs against other workflows' (higher claimed first).
  const jobs = version.priority === 0 ? effects.jobs : effects.jobs.map((job) => ({ ...job, priority: version.priority }));
  const observed = { row, before, status, events: history, error: update.error, cause: update.cause };
  const recorded = history.map((e) => ({ ...e, details: historyDetailsFormat.encode(e.details) as JsonObject }));
  return { status, write: { id: row.id, update, firstSeq: row.eventCount, events: recorded }, jobs, cancelKeys: effects.cancelKeys, observed };
}

/**
 * A row whose history reached the limit is failed instead of stepped (Step Functions fails an execution
 * at 25 000 events): checked before each step, so a row passes the limit by one step's events at most.
 */
function historyFull(ctx: CommitContext, row: ExecutionRow): StepEvent[] | null {
  const limit = ctx.maxHistoryEvents;
  if (limit === undefined || row.eventCount < limit) return null;
  const cause = `The history reached ${row.eventCount} events, the limit is ${limit} (limits.maxHistoryEvents)`;
  return [{ type: 'stop', status: 'FAILED', error: 'States.Runtime', cause }];
}

/**
 * Writes prepared steps in two statements whatever their number (one with no job called off); answers
 * whether a job is due now that was queued (not taken at birth by this worker through `leases`), and the
 * ids of those taken at birth that were inserted.
 */
async function writeSteps(tx: Queryable, prepared: readonly PreparedStep[], nowMs: number, leases?: EagerLeases): Promise<{ dueNow: boolean; leased: LeasedJobIds }> {
  if (prepared.length === 0) return { dueNow: false, leased: new Map() };
  // Called-off jobs go first: a new job may take a called-off one's dedupe key.
  await deleteJobsByKey(tx, prepared.flatMap((p) => p.cancelKeys));
  const jobs = prepared.flatMap((p) => p.jobs);
  const written = leases ? leases.mark(jobs) : jobs;
  const leased = await saveStepStates(tx, prepared.map((p) => p.write), written);
  return { dueNow: queuedDueNow(written, nowMs), leased };
}

/**
 * Runs the first step of executions this transaction inserted (and so holds) and writes them all;
 * answers the rows as they now are and whether a job is due now. The caller owns the transaction.
 */
export async function stepStarts(ctx: CommitContext, tx: Queryable, rows: readonly ExecutionRow[]): Promise<{ rows: ExecutionRow[]; dueNow: boolean; observed: ObservedStep[] }> {
  const prepared: PreparedStep[] = [];
  for (const row of rows) prepared.push(await prepareStep(ctx, tx, row, [{ type: 'start', input: row.input }]));
  const { dueNow } = await writeSteps(tx, prepared, ctx.clock.now());
  // The rows as written: callers answer with them without reading them back.
  return { rows: rows.map((row, i) => ({ ...row, ...prepared[i].write.update })), dueNow, observed: prepared.map((p) => p.observed) };
}
