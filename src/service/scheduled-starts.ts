/**
 * Starting many due scheduled runs in one transaction: their jobs completed, their executions inserted
 * and first-stepped, the runs marked STARTED and counted in their batches, one statement per kind of
 * write. This is what lets 10 000 runs due within a second start within seconds (one transaction per
 * run is bound by round trips: ~700 starts/s on 2 cores). Runs that need more than a plain start —
 * flow control, a chain to join, an input their workflow refuses, a run no longer waiting — are left
 * to the one-by-one path, which records why.
 */
import { newExecutionId } from '../shared/index.ts';
import {
  completeJobs,
  findExecutionsByKeys,
  getCurrentVersionHead,
  markRunsStarted,
  type NewExecution,
  type ScheduledRunRow,
  type WorkflowVersionHead,
} from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';
import { hasFlowControl } from './flow-control.ts';
import { checkInput, checkInputSize } from './input-schema.ts';
import type { WorkflowMetadata } from './workflows.ts';

/** A due run with the job (held by `workerId`) that starts it. */
export interface DueRun {
  jobId: number;
  run: ScheduledRunRow;
}

/** The idempotency key a scheduled run's execution is started with: a repeat after a crash finds it. */
export const scheduledRunKey = (runId: string): string => `scheduled:${runId}`;

/** Starts the plain runs together; answers the runs left for the one-by-one path. */
export async function startDueRunsTogether(deps: ServiceDeps, due: readonly DueRun[], workerId: string): Promise<DueRun[]> {
  const versions = new Map<string, WorkflowVersionHead | null>();
  for (const name of new Set(due.map((d) => d.run.workflowName))) versions.set(name, await getCurrentVersionHead(deps.sql, name));
  const plain = due.filter((d) => isPlain(d.run, versions.get(d.run.workflowName) ?? null));
  if (plain.length === 0) return [...due];
  const rest = due.filter((d) => !plain.includes(d));
  let afterCommit = (): void => {};
  await deps.sql.begin(async (tx) => {
    const held = new Set(await completeJobs(tx, workerId, plain.map((d) => d.jobId)));
    const now = new Date(deps.clock.now());
    const starting = plain.filter((d) => held.has(d.jobId));
    const executions = starting.map((d) => newExecution(d.run, versions.get(d.run.workflowName) as WorkflowVersionHead, now));
    const started = await deps.runtime.startInTransaction(tx, executions);
    afterCommit = started.afterCommit;
    // A run started before (its job came back after a crash) finds its execution by key.
    const byKey = new Map(started.created.map((row) => [row.idempotencyKey as string, row.id]));
    const missing = executions.filter((e) => !byKey.has(e.idempotencyKey as string));
    for (const name of new Set(missing.map((e) => e.workflowName))) {
      const keys = missing.filter((e) => e.workflowName === name).map((e) => ({ key: e.idempotencyKey as string, identity: e.identity }));
      for (const [key, id] of await findExecutionsByKeys(tx, name, keys)) byKey.set(key, id);
    }
    const marks = starting.flatMap((d) => {
      const executionId = byKey.get(scheduledRunKey(d.run.id));
      return executionId ? [{ runId: d.run.id, executionId }] : [];
    });
    await markRunsStarted(tx, marks, now);
  });
  afterCommit();
  return rest;
}

/** Waiting, not part of a chain, its workflow without flow control, and an input the workflow accepts. */
function isPlain(run: ScheduledRunRow, version: WorkflowVersionHead | null): boolean {
  if (!version || version.archivedAt || run.status !== 'SCHEDULED' || run.parentId !== null || run.rootId !== null) return false;
  const metadata = version.metadata as unknown as WorkflowMetadata;
  if (hasFlowControl(metadata.flow)) return false;
  try {
    checkInputSize(run.input);
    checkInput(metadata.parameters, run.input, run.workflowName);
    return true;
  } catch {
    return false;
  }
}

function newExecution(run: ScheduledRunRow, version: WorkflowVersionHead, now: Date): NewExecution {
  const id = newExecutionId();
  return {
    id, workflowName: run.workflowName, versionId: version.id, name: id, mode: 'persistent', input: run.input, parentId: null, rootId: id,
    identity: run.identity, idempotencyKey: scheduledRunKey(run.id), startedAt: now, depth: 0,
    // Only a batch's runs report their end (its counters, its order).
    notifyOnEnd: run.batchId !== null,
  };
}
