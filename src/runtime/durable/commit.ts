/**
 * One step, one transaction: lock the execution (or branch) row, step the pure core, and write the
 * snapshot, the history events and every follow-up (jobs, branches, tokens) before committing. A job
 * that carried the event is deleted in the same transaction, and only while this worker still holds
 * its lease: a worker that lost its lease rolls back, so no state's success is recorded twice.
 */
import { step, type Snapshot, type StepEnv, type StepEvent, type HistoryEvent } from '../../core/index.ts';
import {
  appendHistory,
  completeJobs,
  deleteJobsByKey,
  enqueueJobs,
  lockExecution,
  saveExecutionState,
  type ExecutionRow,
  type Queryable,
  type Sql,
} from '../../store/index.ts';
import type { Clock, Json } from '../../shared/index.ts';
import { hashText, newTaskToken } from '../env.ts';
import { Effects } from './effects.ts';
import type { MachineCache } from './machines.ts';

export interface CommitContext {
  sql: Sql;
  clock: Clock;
  machines: MachineCache;
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
  let dueNow = false;
  const outcome = await ctx.sql.begin(async (tx) => {
    const row = await lockExecution(tx, executionId);
    // The carrying job goes first: the step may itself call off jobs by key (a fired timer is one).
    if (jobId !== undefined) {
      const done = await completeJobs(tx, ctx.workerId, [jobId]);
      if (done.length === 0) throw new LeaseLost(jobId);
    }
    let result: StepOutcome;
    if (!row) result = { status: 'MISSING', ignored: true };
    else if (row.status !== 'RUNNING' && event.type !== 'redrive') result = { status: row.status, ignored: true };
    else {
      const written = await stepInTransaction(ctx, tx, row, event);
      dueNow = written.dueNow;
      result = { status: written.status, ignored: false };
    }
    return result;
  });
  if (dueNow) ctx.onJobsDue?.();
  return outcome;
}

const terminal = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * Steps a locked row with `event` (and any follow-up the runtime answers at once, such as collected
 * branch results), then writes everything. The caller owns the transaction.
 */
export async function stepInTransaction(
  ctx: CommitContext,
  tx: Queryable,
  row: ExecutionRow,
  event: StepEvent,
): Promise<{ status: ExecutionRow['status']; dueNow: boolean }> {
  const machine = await ctx.machines.get(tx, row.versionId);
  const nowMs = ctx.clock.now();
  const now = new Date(nowMs);
  const env: StepEnv = { now: nowMs, random: ctx.random ?? Math.random, hash: hashText, newTaskToken };
  const effects = new Effects(tx, row, now);
  const history: HistoryEvent[] = [];
  let snapshot = row.snapshot as Snapshot | null;
  const queue: StepEvent[] = [event];
  while (queue.length > 0) {
    const result = await step(machine, snapshot, queue.shift() as StepEvent, env);
    snapshot = result.snapshot;
    history.push(...result.events);
    for (const command of result.commands) await effects.apply(command, snapshot);
    queue.push(...effects.followUps.splice(0));
  }
  const final = snapshot as Snapshot;
  const status = final.status;
  await saveExecutionState(tx, row.id, {
    status,
    snapshot: final as unknown as Json,
    output: status === 'SUCCEEDED' ? (final.output ?? null) : null,
    error: final.error ?? null,
    cause: final.cause ?? null,
    eventCount: row.eventCount + history.length,
    stoppedAt: terminal.has(status) ? now : null,
    updatedAt: now,
  });
  await appendHistory(tx, row.id, row.eventCount, history);
  await deleteJobsByKey(tx, effects.cancelKeys);
  await enqueueJobs(tx, effects.jobs);
  return { status, dueNow: effects.jobs.some((j) => j.runAt.getTime() <= nowMs) };
}
