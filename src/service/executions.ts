/** Verbs on executions: describe, history, redrive, wait (start: start.ts, list: list-executions.ts, stop: stop-execution.ts). */
import { historyDetailsFormat, snapshotFormat } from '../core/index.ts';
import {
  deleteStoppedBefore,
  saveProgress,
  getExecution,
  unservedResourcesOf,
  listHistory,
  threadIds,
  deleteEndedChains,
  type ExecutionRow,
} from '../store/index.ts';
import { EngineError, isUuid, limitsOf, type Json, type JsonObject } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { waitingStartView } from './flow-control.ts';
import { pageSize } from './paging.ts';

export interface ExecutionView {
  executionId: string;
  workflow: string;
  versionId: string;
  name: string;
  status: string;
  mode: string;
  input: Json;
  output: Json | null;
  error: string | null;
  cause: string | null;
  parentId: string | null;
  rootId: string;
  progress: Json | null;
  redriveCount: number;
  startedAt: string;
  stoppedAt: string | null;
  /**
   * Why it waits: a start flow control holds (it has no execution yet; status RUNNING), or a Task whose
   * resource no running worker serves (`waiting for a worker that serves 'render'`).
   */
  waitingReason?: string;
  /** Flow control: when the waiting start was asked. */
  waitingSince?: string;
}

export function viewOf(row: ExecutionRow): ExecutionView {
  return {
    executionId: row.id, workflow: row.workflowName, versionId: row.versionId, name: row.name, status: row.status, mode: row.mode,
    input: row.input, output: row.output, error: row.error, cause: row.cause, parentId: row.parentId, rootId: row.rootId,
    progress: row.progress, redriveCount: row.snapshot === null ? 0 : snapshotFormat.decode(row.snapshot, `the snapshot of execution ${row.id}`).redriveCount,
    startedAt: row.startedAt.toISOString(), stoppedAt: row.stoppedAt?.toISOString() ?? null,
  };
}

async function requireExecution(deps: Pick<ServiceDeps, 'sql'>, id: string): Promise<ExecutionRow> {
  const row = isUuid(id) ? await getExecution(deps.sql, id) : null;
  if (!row) throw new EngineError('EXECUTION_NOT_FOUND', `No execution has the id ${JSON.stringify(id)}`);
  return row;
}

export async function describeExecution(deps: Pick<ServiceDeps, 'sql' | 'transientRuns' | 'clock'>, id: string): Promise<ExecutionView> {
  const row = isUuid(id) ? await getExecution(deps.sql, id) : null;
  if (row) return row.status === 'RUNNING' ? withUnservedReason(deps, viewOf(row)) : viewOf(row);
  // A transient execution still running in this process has no row yet.
  const running = deps.transientRuns?.get(id);
  if (running) return running.view;
  const waiting = isUuid(id) ? await waitingStartView(deps, id) : null;
  if (waiting) return waiting;
  // Admission starts a held start in the transaction that marks it started: it may have committed
  // between the two reads above.
  const admitted = isUuid(id) ? await getExecution(deps.sql, id) : null;
  if (admitted) return viewOf(admitted);
  throw new EngineError('EXECUTION_NOT_FOUND', `No execution has the id ${JSON.stringify(id)}`);
}

/** A running execution whose Task (or a branch's) calls a resource no running worker serves says so. */
async function withUnservedReason(deps: Pick<ServiceDeps, 'sql' | 'clock'>, view: ExecutionView): Promise<ExecutionView> {
  const unserved = await unservedResourcesOf(deps.sql, view.executionId, new Date(deps.clock.now()));
  return unserved.length === 0 ? view : { ...view, waitingReason: unservedReason(unserved) };
}

/** `waiting for a worker that serves 'render'` (one sentence for one or more resources). */
export function unservedReason(resources: readonly string[]): string {
  const names = resources.map((r) => `'${r}'`);
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `waiting for a worker that serves ${listed}`;
}

export interface HistoryView {
  executionId: string;
  seq: number;
  type: string;
  stateName: string | null;
  details: JsonObject;
  timestamp: string;
  /** Set on events of a Parallel branch or Map iteration: the branch's id. */
  branchId?: string;
}

/** The history of an execution and of all its branches, in time order. */
export async function executionHistory(deps: Pick<ServiceDeps, 'sql' | 'limits'>, id: string, options: { limit?: number } = {}): Promise<HistoryView[]> {
  const row = await requireExecution(deps, id);
  const ids = await threadIds(deps.sql, row.id);
  const events = await listHistory(deps.sql, ids, { limit: pageSize(options.limit, 1000, limitsOf(deps.limits).maxHistoryPageSize) });
  return events.map((e) => ({
    executionId: row.id, seq: e.seq, type: e.type, stateName: e.stateName, timestamp: e.createdAt.toISOString(),
    details: historyDetailsFormat.decode(e.details, `history event ${e.seq} of ${e.executionId}`),
    ...(e.executionId === row.id ? {} : { branchId: e.executionId }),
  }));
}

/** Resumes a FAILED, TIMED_OUT or ABORTED execution from the state where it ended. */
export async function redriveExecution(deps: ServiceDeps, id: string): Promise<ExecutionView> {
  const row = await requireExecution(deps, id);
  if (row.kind !== 'execution' || !['FAILED', 'TIMED_OUT', 'ABORTED'].includes(row.status)) {
    throw new EngineError('CONFLICT', `Execution ${id} is ${row.status}; only FAILED, TIMED_OUT or ABORTED executions can be redriven`);
  }
  await deps.runtime.deliverNow(id, { type: 'redrive' });
  return describeExecution(deps, id);
}

/** Waits until the execution ends or `timeoutMs` passes; answers its latest view either way. */
export async function waitForExecution(deps: Pick<ServiceDeps, 'sql' | 'transientRuns' | 'clock'>, id: string, timeoutMs: number): Promise<ExecutionView> {
  const deadline = Date.now() + timeoutMs;
  const transient = deps.transientRuns?.get(id);
  if (transient) await Promise.race([transient.done, new Promise((r) => setTimeout(r, timeoutMs))]);
  let delay = 5;
  for (;;) {
    const view = await describeExecution(deps, id);
    if (view.status !== 'RUNNING' || Date.now() >= deadline) return view;
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 200);
  }
}


/** progress:report: `{done, total?, message?}` on the execution, shown as a progress bar. */
export async function reportProgress(deps: Pick<ServiceDeps, 'sql'>, executionId: string, progress: Json): Promise<void> {
  await saveProgress(deps.sql, executionId, progress);
}

/** Retention: deletes stopped executions older than `days`, in batches; answers how many went. */
export async function removeOldExecutions(deps: Pick<ServiceDeps, 'sql' | 'clock'>, days: number, batch = 1000): Promise<number> {
  const cutoff = new Date(deps.clock.now() - days * 86_400_000);
  let total = 0;
  for (;;) {
    const { removed, rootIds } = await deleteStoppedBefore(deps.sql, cutoff, batch);
    await deleteEndedChains(deps.sql, rootIds);
    total += removed;
    if (removed < batch) return total;
  }
}
