/**
 * Starting many due scheduled runs in one transaction: their executions started through
 * startExecutions (start.ts: validation, chains, flow control, one statement per kind of write), their
 * jobs completed, the runs marked STARTED and counted in their batches. This is what lets 10 000 runs
 * due within a second start within seconds (one transaction per run is bound by round trips: ~700
 * starts/s on 2 cores). A run that startExecutions refuses, or one no longer waiting, is left to the
 * one-by-one path, which records why.
 */
import { completeJobs, markRunsStarted, type ScheduledRunRow } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';
import { startExecutions, type StartRequest, type StartedBatch } from './start.ts';

/** A due run with the job (held by `workerId`) that starts it. */
export interface DueRun {
  jobId: number;
  run: ScheduledRunRow;
}

/** The idempotency key a scheduled run's execution is started with: a repeat after a crash finds it. */
export const scheduledRunKey = (runId: string): string => `scheduled:${runId}`;

/** What a scheduled run asks startExecutions for. */
export function scheduledRunRequest(run: ScheduledRunRow): StartRequest {
  return {
    // Only a batch's runs report their end (its counters, its order); a lone run's end is its execution's.
    workflow: run.workflowName, input: run.input, idempotencyKey: scheduledRunKey(run.id), notifyOnEnd: run.batchId !== null,
    // Batches count ends with execution-ended jobs, which only durable executions send.
    mode: 'persistent',
    ...(run.identity === null ? {} : { identity: run.identity }),
    ...(run.parentId === null || run.rootId === null ? {} : { parentId: run.parentId, chain: { rootId: run.rootId, depth: run.depth } }),
  };
}

/**
 * Starts the waiting runs together; answers the runs left for the one-by-one path. A job another
 * worker took over meanwhile rolls the whole transaction back (the caller then goes one by one).
 */
export async function startDueRunsTogether(deps: ServiceDeps, due: readonly DueRun[], workerId: string): Promise<DueRun[]> {
  const waiting = due.filter((d) => d.run.status === 'SCHEDULED');
  if (waiting.length === 0) return [...due];
  let started: DueRun[] = [];
  const batch: StartedBatch = await deps.sql.begin(async (tx) => {
    const result = await startExecutions(deps, tx, waiting.map((d) => scheduledRunRequest(d.run)));
    const marks = waiting.flatMap((d, i) => {
      const outcome = result.outcomes[i];
      return 'view' in outcome ? [{ runId: d.run.id, executionId: outcome.view.executionId, jobId: d.jobId }] : [];
    });
    started = waiting.filter((_, i) => 'view' in result.outcomes[i]);
    const held = await completeJobs(tx, workerId, marks.map((m) => m.jobId));
    if (held.length !== marks.length) throw new Error('a scheduled-start job was taken over by another worker');
    await markRunsStarted(tx, marks, new Date(deps.clock.now()));
    return result;
  });
  batch.afterCommit();
  return due.filter((d) => !started.includes(d));
}
