/** Verbs on scheduled batches (lists): their live counters, and moving them on after a change. */
import {
  enqueueBatchCompletions,
  enqueueNextSequentialRuns,
  getScheduledBatch,
  notifyJobsAvailable,
  type BatchOrdering,
  type Queryable,
  type ScheduledBatchRow,
} from '../store/index.ts';
import { EngineError } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { isUuid } from './scheduling-input.ts';

/**
 * After counters of batches changed in `tx`: the next item of each sequential batch with nothing
 * running gets its job, and each finished batch the job of its on-complete workflow. Wakes workers
 * when something became due now.
 */
export async function advanceBatches(tx: Queryable, batchIds: readonly string[], now: Date): Promise<void> {
  if (batchIds.length === 0) return;
  const next = await enqueueNextSequentialRuns(tx, batchIds, now);
  const completed = await enqueueBatchCompletions(tx, batchIds, now);
  if (next || completed) await notifyJobsAvailable(tx);
}

/**
 * The same as advanceBatches for one batch whose counters `tx` has just changed: decided from the
 * updated row, so the usual case (a parallel list with items left) costs no statement.
 */
export async function advanceBatch(tx: Queryable, batch: ScheduledBatchRow, now: Date): Promise<void> {
  const idle = batch.started === batch.succeeded + batch.failed;
  const done = batch.succeeded + batch.failed + batch.cancelled === batch.total;
  const next = batch.ordering === 'sequential' && idle && !done;
  const complete = done && batch.started > 0 && batch.onCompleteWorkflow !== null && batch.onCompleteStartedAt === null;
  if (!next && !complete) return;
  const due = (next && (await enqueueNextSequentialRuns(tx, [batch.id], now))) || (complete && (await enqueueBatchCompletions(tx, [batch.id], now)));
  if (due) await notifyJobsAvailable(tx);
}

export interface BatchView {
  batchId: string;
  workflow: string;
  ordering: BatchOrdering;
  intervalSeconds: number;
  startAt: string;
  total: number;
  scheduled: number;
  started: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Every item has ended or was cancelled. */
  done: boolean;
  onComplete: { workflow: string; startedAt: string | null; executionId: string | null; error: string | null } | null;
  createdAt: string;
}

export function batchView(b: ScheduledBatchRow): BatchView {
  return {
    batchId: b.id, workflow: b.workflowName, ordering: b.ordering, intervalSeconds: b.intervalSeconds, startAt: b.startAt.toISOString(),
    total: b.total, scheduled: b.total - b.started - b.cancelled, started: b.started, running: b.started - b.succeeded - b.failed,
    succeeded: b.succeeded, failed: b.failed, cancelled: b.cancelled, done: b.succeeded + b.failed + b.cancelled === b.total,
    onComplete: b.onCompleteWorkflow === null ? null : {
      workflow: b.onCompleteWorkflow, startedAt: b.onCompleteStartedAt?.toISOString() ?? null, executionId: b.onCompleteExecutionId, error: b.onCompleteError,
    },
    createdAt: b.createdAt.toISOString(),
  };
}

/** A batch with its live counters. */
export async function getBatch(deps: Pick<ServiceDeps, 'sql'>, id: string): Promise<BatchView> {
  const batch = isUuid(id) ? await getScheduledBatch(deps.sql, id) : null;
  if (!batch) throw new EngineError('BATCH_NOT_FOUND', `No batch has the id ${JSON.stringify(id)}`);
  return batchView(batch);
}
