/**
 * Stopping: an execution ends ABORTED, and so does everything it set going — its branches (the
 * core calls them off), the executions it started that still run (however deep), the runs they
 * scheduled for later (cancelled) and the starts of theirs that flow control holds (ABORTED). A held
 * start stops the same way: it becomes an ABORTED execution that never ran.
 *
 * The stop is decided in one transaction: it locks the running executions of the tree, writes a
 * stop for each as a `step` job (dedupe key `stop:<id>`), cancels the scheduled runs and aborts the
 * held starts. Then each stop is delivered at once (the caller sees ABORTED) and its job removed; if
 * this process dies in between, workers deliver the jobs. A workflow:start racing the stop sees the
 * pending stop and starts or schedules nothing (checkStarter in chains.ts).
 */
import {
  cancelScheduledRunsOf,
  deleteJobsByKey,
  enqueueJobs,
  findStopTree,
  getExecution,
  heldStartsOf,
  lockRunningExecutions,
  jobKeys,
  jobs,
  type ExecutionRow,
  type Queryable,
} from '../store/index.ts';
import { EngineError, isUuid } from '../shared/index.ts';
import { stepJobFormat, type StepEvent } from '../core/index.ts';
import { advanceBatches } from './batches.ts';
import type { ServiceDeps } from './deps.ts';
import { describeExecution, type ExecutionView } from './executions.ts';
import { abortHeld, stopHeldStart, type StopReason } from './held-starts.ts';

/** Stops a running execution, or a start flow control holds (ABORTED), with everything it set going. */
export async function stopExecution(deps: ServiceDeps, id: string, reason: { error?: string; cause?: string } = {}): Promise<ExecutionView> {
  const why = { error: reason.error ?? 'States.Aborted', cause: reason.cause ?? 'Stopped by a request' };
  const row = await runningExecution(deps, id, why);
  // A child a task of the tree started while the first round was written is caught by the next one
  // (after a stop is written, checkStarter refuses new ones: rounds are few).
  for (let round = 0; row && round < maxRounds; round++) {
    const stops = await writeStops(deps, row.id, why, round === 0);
    if (stops.length === 0) break;
    for (const stop of stops) await deps.runtime.deliverNow(stop.executionId, stop.event);
    await deleteJobsByKey(deps.sql, stops.map((s) => jobKeys.stop(s.executionId)));
  }
  return describeExecution(deps, id);
}

const maxRounds = 3;

/** The execution to stop; null when `id` was a held start, stopped here already. */
async function runningExecution(deps: ServiceDeps, id: string, why: StopReason): Promise<ExecutionRow | null> {
  let row = isUuid(id) ? await getExecution(deps.sql, id) : null;
  if (!row && isUuid(id)) {
    if (await stopHeldStart(deps, id, why)) return null;
    // Admitted since: its execution exists now.
    row = await getExecution(deps.sql, id);
  }
  if (!row) throw new EngineError('EXECUTION_NOT_FOUND', `No execution has the id ${JSON.stringify(id)}`);
  if (row.status !== 'RUNNING') throw new EngineError('EXECUTION_NOT_RUNNING', `Execution ${id} is ${row.status}, not RUNNING`);
  return row;
}

type Stop = { executionId: string; event: StepEvent };

/**
 * One transaction: the stops of the tree's running executions as jobs, the runs their rows scheduled
 * cancelled, their held starts aborted. Answers the stops to deliver, the stopped execution's first.
 * On the first round the execution itself must still run (else EXECUTION_NOT_RUNNING, nothing written).
 */
async function writeStops(deps: ServiceDeps, rootId: string, why: StopReason, first: boolean): Promise<Stop[]> {
  const now = new Date(deps.clock.now());
  return deps.sql.begin(async (tx) => {
    const tree = await findStopTree(tx, rootId);
    const running = new Set(await lockRunningExecutions(tx, tree.executions.map((e) => e.id)));
    if (first && !running.has(rootId)) throw new EngineError('EXECUTION_NOT_RUNNING', `Execution ${rootId} ended while it was being stopped`);
    if (running.size === 0) return [];
    const stops: Stop[] = tree.executions.filter((e) => running.has(e.id)).map((e) => ({
      executionId: e.id,
      event: e.starterId === null ? { type: 'stop', ...why } : { type: 'stop', error: 'States.Aborted', cause: `Its parent execution ${e.starterId} was stopped` },
    }));
    await enqueueJobs(tx, stops.map((s) => jobs.step(stepJobFormat, s.executionId, s.event, now, jobKeys.stop(s.executionId))));
    const threads = tree.threads.filter((t) => running.has(t.executionId)).map((t) => t.id);
    await cancelWhatTheyStarted(tx, threads, rootId, now);
    return stops;
  }) as Promise<Stop[]>;
}

/** In the stop's transaction: the runs the threads scheduled are cancelled, their held starts aborted. */
async function cancelWhatTheyStarted(tx: Queryable, threadIds: string[], stoppedId: string, now: Date): Promise<void> {
  const cancelled = await cancelScheduledRunsOf(tx, threadIds, now);
  await advanceBatches(tx, cancelled.batchIds, now);
  for (const held of await heldStartsOf(tx, threadIds)) {
    await abortHeld(tx, held, { error: 'States.Aborted', cause: `The execution that started it (${stoppedId}) was stopped` }, now);
  }
}
