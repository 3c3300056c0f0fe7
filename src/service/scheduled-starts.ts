/**
 * Starting many due scheduled runs together. Plain runs (no chain, no flow control, a version that
 * passes the start checks) start with one statement and no transaction block (`startDueRunsAtOnce`):
 * their executions inserted already first-stepped, their jobs deleted, the runs marked STARTED and
 * counted in their batches (store's insertScheduledStarts), the version taken from the one-second cache
 * and checked by the statement. The others, and what that statement left, start in one transaction
 * (`startDueRunsTogether`: startExecutions with validation, chains and flow control, their jobs
 * completed, the runs marked). This is what lets 10 000 runs due within a second start within seconds
 * (one transaction per run is bound by round trips: ~700 starts/s on 2 cores). A run that
 * startExecutions refuses, or one no longer waiting, is left to the one-by-one path, which records why.
 */
import { completeJobs, insertScheduledStarts, markRunsStarted, type NewExecution, type ScheduledRunRow, type WorkflowVersionHead } from '../store/index.ts';
import { isEngineError } from '../shared/index.ts';
import { cachedCurrentVersion, forgetCurrentVersion } from './current-versions.ts';
import type { ServiceDeps } from './deps.ts';
import { checkStart, newExecution, startExecutions, type StartRequest, type StartedBatch } from './start.ts';

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

/**
 * Starts the plain waiting runs with one statement (see the top of this file); answers the runs left for
 * `startDueRunsTogether`: those with a chain or flow control, those the start checks refuse (the
 * transactional path records why), and those the statement did not start. Everything is left when a
 * first step needs a transaction.
 */
export async function startDueRunsAtOnce(deps: ServiceDeps, due: readonly DueRun[], workerId: string): Promise<DueRun[]> {
  const versions = new Map<string, Promise<WorkflowVersionHead | null>>();
  const plain: Array<{ due: DueRun; execution: NewExecution }> = [];
  for (const d of due) {
    if (d.run.status !== 'SCHEDULED' || d.run.parentId !== null) continue;
    const request = scheduledRunRequest(d.run);
    if (!versions.has(request.workflow)) versions.set(request.workflow, cachedCurrentVersion(deps, request.workflow));
    const version = await versions.get(request.workflow)!;
    try {
      if (checkStart(deps, request, version) !== 'plain') continue;
    } catch (error) {
      if (isEngineError(error)) continue;
      throw error;
    }
    plain.push({ due: d, execution: newExecution(deps, request, version!.id, null, null) });
  }
  if (plain.length === 0) return [...due];
  const runs = plain.map((p) => ({ runId: p.due.run.id, jobId: p.due.jobId, executionId: p.execution.id }));
  const now = new Date(deps.clock.now());
  const started = await deps.runtime.startAtOnce(plain.map((p) => p.execution), (sql, starts) => insertScheduledStarts(sql, starts, runs, workerId, now));
  if (!started) return [...due];
  started.afterCommit();
  for (const p of plain) if (started.stale.has(p.execution.id)) forgetCurrentVersion(deps.sql, p.execution.workflowName);
  const created = new Set(started.created.map((row) => row.id));
  const done = new Set(plain.filter((p) => created.has(p.execution.id)).map((p) => p.due));
  return due.filter((d) => !done.has(d));
}
