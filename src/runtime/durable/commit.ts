/**
 * One step, one transaction: lock the execution (or branch) row, step the pure core, and write the
 * snapshot, the history events and every follow-up (jobs, branches, tokens) before committing. A job
 * that carried the event is deleted in the same transaction, and only while this worker still holds
 * its lease: a worker that lost its lease rolls back, so no state's success is recorded twice.
 */
import { step, type Snapshot, type StepEnv, type StepEvent, type HistoryEvent } from '../../core/index.ts';
import {

  deleteJobsByKey,
  enqueueJobs,
  lockExecutionAndCompleteJobs,
  saveStepState,
  type ExecutionRow,
  type Queryable,
  type Sql,
} from '../../store/index.ts';
import type { Clock, Json, JsonObject } from '../../shared/index.ts';
import { hashText, newTaskToken } from '../env.ts';
import { Effects } from './effects.ts';
import type { ResourceRegistry } from '../../resources/index.ts';
import type { ContextCache } from './contexts.ts';
import type { MachineCache } from './machines.ts';

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

/** Delivers an event to an execution or branch in its own transaction; `jobId` is the job that carried it. */
export async function deliverEvent(ctx: CommitContext, executionId: string, event: StepEvent, jobId?: number): Promise<StepOutcome> {
  const outcome = await deliverEvents(ctx, executionId, [{ event, jobId }]);
  if (jobId !== undefined && outcome.delivered === 0) throw new LeaseLost(jobId);
  return outcome;
}

/**
 * Delivers several events to one execution in one transaction, in order: the branches of a Map that
 * end together cost their parent one commit, not one each. Events whose job this worker no longer
 * holds are left out (their new owner delivers them).
 */
export async function deliverEvents(
  ctx: CommitContext,
  executionId: string,
  items: ReadonlyArray<{ event: StepEvent; jobId?: number }>,
): Promise<StepOutcome & { delivered: number }> {
  let dueNow = false;
  const outcome = await ctx.sql.begin(async (tx): Promise<StepOutcome & { delivered: number }> => {
    // The carrying jobs go first (with the row lock, in one round trip): the step may itself call off
    // jobs by key (a fired timer is one).
    const jobIds = items.flatMap((i) => (i.jobId === undefined ? [] : [i.jobId]));
    const locked = await lockExecutionAndCompleteJobs(tx, executionId, ctx.workerId, jobIds);
    const row = locked.row;
    const held = new Set(locked.held);
    const events = items.filter((i) => i.jobId === undefined || held.has(i.jobId)).map((i) => i.event);
    if (events.length === 0) return { status: row?.status ?? 'MISSING', ignored: true, delivered: 0 };
    if (!row) return { status: 'MISSING', ignored: true, delivered: events.length };
    const live = row.status === 'RUNNING' ? events : events.filter((e) => e.type === 'redrive').slice(0, 1);
    if (live.length === 0) return { status: row.status, ignored: true, delivered: events.length };
    const written = await stepInTransaction(ctx, tx, row, live);
    dueNow = written.dueNow;
    return { status: written.status, ignored: false, delivered: events.length };
  });
  if (dueNow) ctx.onJobsDue?.();
  return outcome;
}

/** A branch starts from its own row: its input and outer variables are stored there once, not in its job. */
function branchStart(row: ExecutionRow): StepEvent {
  return { type: 'start', machineId: row.machineId, input: row.input, outerVars: (row.outerVars ?? {}) as JsonObject };
}

const terminal = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * Steps a locked row with its events (and any follow-up the runtime answers at once, such as collected
 * branch results), then writes everything. The caller owns the transaction.
 */
export async function stepInTransaction(
  ctx: CommitContext,
  tx: Queryable,
  row: ExecutionRow,
  events: StepEvent | readonly StepEvent[],
): Promise<{ status: ExecutionRow['status']; dueNow: boolean }> {
  const version = await ctx.machines.get(tx, row.versionId);
  const machine = version.machine;
  const nowMs = ctx.clock.now();
  const now = new Date(nowMs);
  const context = await ctx.contexts.get(tx, row);
  const env: StepEnv = { now: nowMs, random: ctx.random ?? Math.random, hash: hashText, newTaskToken, context };
  const effects = new Effects(tx, row, now, { registry: ctx.registry, ignorePrivacyRules: version.ignorePrivacyRules });
  const history: HistoryEvent[] = [];
  let snapshot = row.snapshot as Snapshot | null;
  const queue: StepEvent[] = (Array.isArray(events) ? [...events] : [events as StepEvent]).map((e) => (e.type === 'start' && row.kind === 'branch' ? branchStart(row) : e));
  while (queue.length > 0) {
    const result = await step(machine, snapshot, queue.shift() as StepEvent, env);
    snapshot = result.snapshot;
    history.push(...result.events);
    for (const command of result.commands) await effects.apply(command, snapshot);
    queue.push(...effects.followUps.splice(0));
  }
  const final = snapshot as Snapshot;
  const status = final.status;
  await saveStepState(tx, row.id, {
    status,
    snapshot: final as unknown as Json,
    output: status === 'SUCCEEDED' ? (final.output ?? null) : null,
    error: final.error ?? null,
    cause: final.cause ?? null,
    eventCount: row.eventCount + history.length,
    stoppedAt: terminal.has(status) ? now : null,
    updatedAt: now,
  }, row.eventCount, history);
  await deleteJobsByKey(tx, effects.cancelKeys);
  // A workflow's flow.priority orders its jobs against other workflows' (higher claimed first).
  await enqueueJobs(tx, version.priority === 0 ? effects.jobs : effects.jobs.map((job) => ({ ...job, priority: version.priority })));
  return { status, dueNow: effects.jobs.some((j) => j.runAt.getTime() <= nowMs) };
}
