/** Verbs on executions: start, describe, history, redrive, wait (list: list-executions.ts, stop: stop-execution.ts). */
import type { StateMachine } from '../asl/index.ts';
import { historyDetailsFormat, snapshotFormat } from '../core/index.ts';
import {
  deleteStoppedBefore,
  insertEndedExecution,
  type NewExecution,
  saveProgress,
  findExecutionByKey,
  getCurrentVersionHead,
  getExecution,
  unservedResourcesOf,
  listHistory,
  threadIds,
  deleteEndedChains,
  type ExecutionRow,
  type WorkflowVersionHead,
} from '../store/index.ts';
import { EngineError, isTraceparent, isUuid, limitsOf, newExecutionId, type Json, type JsonObject } from '../shared/index.ts';
import { checkStarter, returnChainPlace, takeChainPlace, type ChainPosition } from './chains.ts';
import type { ServiceDeps } from './deps.ts';
import { checkInput, checkInputSize } from './input-schema.ts';
import { hasFlowControl, startUnderFlowControl, waitingStartView } from './flow-control.ts';
import { keyReused } from './idempotency.ts';
import { pageSize } from './paging.ts';
import type { WorkflowMetadata } from './workflows.ts';

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

export interface StartRequest {
  workflow: string;
  input: Json;
  /** Unique per workflow; defaults to the execution id. A second start with the same name returns the first. */
  name?: string;
  idempotencyKey?: string;
  identity?: Json;
  /** The execution (or branch) that started this one; the new execution joins its chain's root. */
  parentId?: string;
  /** workflow:start.sync: the parent task's token, answered when this execution ends. */
  callbackToken?: string;
  /** Overrides the workflow's `mode` for this start. */
  mode?: 'persistent' | 'transient';
  /** Enqueue an `execution-ended` job when it ends (scheduled runs keep their batch counters with it). */
  notifyOnEnd?: boolean;
  /** The chain to join when the parent's row may be gone (a run a workflow scheduled long ago); the parent's wins. */
  chain?: ChainPosition;
  /** The caller's W3C traceparent: the execution's trace joins the caller's (a malformed one is ignored). */
  traceparent?: string;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;

export async function startExecution(deps: ServiceDeps, request: StartRequest): Promise<ExecutionView & { created: boolean }> {
  const version = await getCurrentVersionHead(deps.sql, request.workflow, request.mode === 'transient');
  if (!version) throw new EngineError('WORKFLOW_NOT_FOUND', `No workflow is named ${JSON.stringify(request.workflow)}`);
  if (version.archivedAt) {
    throw new EngineError('WORKFLOW_ARCHIVED', `The workflow ${JSON.stringify(request.workflow)} was removed on ${version.archivedAt.toISOString()}: deploy it again to start it`);
  }
  if (request.name !== undefined && !namePattern.test(request.name)) {
    throw new EngineError('INPUT_INVALID', `The execution name ${JSON.stringify(request.name)} must be 1 to 80 letters, digits, '_', '.', ':' or '-'`);
  }
  checkInputSize(request.input);
  const metadata = version.metadata as unknown as WorkflowMetadata;
  checkInput(metadata.parameters, request.input, request.workflow);
  const existing = await findExisting(deps, request);
  if (existing) return { ...viewOf(existing), created: false };
  const parent = request.parentId ? await getExecution(deps.sql, request.parentId) : null;
  if (parent) await checkStarter(deps.sql, parent.id);
  const chain = parent ? { rootId: parent.rootId, depth: parent.depth + 1 } : (request.chain ?? null);
  if (!chain) return startNew(deps, request, version, newExecution(deps, request, version.id, parent, null));
  await takeChainPlace(deps, chain);
  const started = await startNew(deps, request, version, newExecution(deps, request, version.id, parent, chain));
  // A start that found its name or idempotency key taken made nothing: its place goes back. (A start
  // that threw keeps it: the budget may end a little short, never over.)
  if (!started.created) await returnChainPlace(deps, chain);
  return started;
}

function newExecution(deps: ServiceDeps, request: StartRequest, versionId: string, parent: ExecutionRow | null, chain: ChainPosition | null): NewExecution {
  const id = newExecutionId();
  return {
    id, workflowName: request.workflow, versionId, name: request.name ?? id, mode: 'persistent', input: request.input,
    parentId: parent?.id ?? null, rootId: chain?.rootId ?? id, identity: request.identity ?? null,
    idempotencyKey: request.idempotencyKey ?? null, callbackToken: request.callbackToken ?? null, startedAt: new Date(deps.clock.now()),
    depth: chain?.depth ?? 0, notifyOnEnd: request.notifyOnEnd ?? false,
    traceparent: isTraceparent(request.traceparent) ? request.traceparent : null,
  };
}

async function startNew(deps: ServiceDeps, request: StartRequest, version: WorkflowVersionHead, execution: NewExecution): Promise<ExecutionView & { created: boolean }> {
  const metadata = version.metadata as unknown as WorkflowMetadata;
  if ((request.mode ?? metadata.mode) === 'transient') return startTransient(deps, execution, version.definition as unknown as StateMachine);
  if (hasFlowControl(metadata.flow)) {
    const flowed = await startUnderFlowControl(deps, execution, metadata.flow);
    return { ...(await describeExecution(deps, flowed.executionId)), created: flowed.created };
  }
  const { row } = await deps.runtime.startExecution(execution);
  if (!row) {
    const raced = await findExisting(deps, request);
    if (raced) return { ...viewOf(raced), created: false };
    throw new EngineError('CONFLICT', 'The execution could not be created: its name or idempotency key is taken');
  }
  return { ...viewOf(row), created: true };
}

/**
 * Transient: the execution runs in this process's memory, no step is written, and one row records
 * it when it ends. A crash loses it, as transient mode promises.
 */
function startTransient(deps: ServiceDeps, execution: NewExecution, definition: StateMachine): ExecutionView & { created: boolean } {
  const { transient, transientRuns } = deps;
  if (!transient || !transientRuns) throw new EngineError('UNAVAILABLE', 'This process runs no transient executions');
  const run = transient
    .run(definition, execution.input, { executionId: execution.id, name: execution.name, workflowName: execution.workflowName, identity: execution.identity })
    .then((result) =>
      insertEndedExecution(deps.sql, {
        ...execution, mode: 'transient', status: result.status, output: result.output ?? null, error: result.error ?? null,
        cause: result.cause ?? null, stoppedAt: new Date(deps.clock.now()),
      }),
    )
    .finally(() => transientRuns.delete(execution.id));
  const view = { ...runningView(execution), mode: 'transient' };
  transientRuns.set(execution.id, { view, done: run });
  return { ...view, created: true };
}

function runningView(e: NewExecution): ExecutionView {
  return {
    executionId: e.id, workflow: e.workflowName, versionId: e.versionId, name: e.name, status: 'RUNNING', mode: e.mode, input: e.input,
    output: null, error: null, cause: null, parentId: e.parentId, rootId: e.rootId, progress: null, redriveCount: 0,
    startedAt: e.startedAt.toISOString(), stoppedAt: null,
  };
}

/**
 * The execution a repeated start answers: by idempotency key, only one the same caller started with the
 * same input (another input is IDEMPOTENCY_KEY_REUSED); by name, only the same caller's (a name another
 * caller took is CONFLICT). Neither refusal tells anything of the execution that holds the key or name.
 */
async function findExisting(deps: ServiceDeps, request: StartRequest): Promise<ExecutionRow | null> {
  const asking = { identity: request.identity ?? null, input: request.input };
  if (request.idempotencyKey !== undefined) {
    const found = await findExecutionByKey(deps.sql, request.workflow, { idempotencyKey: request.idempotencyKey }, asking);
    if (found && !found.sameInput) throw keyReused('start');
    return found;
  }
  if (request.name === undefined) return null;
  const found = await findExecutionByKey(deps.sql, request.workflow, { name: request.name }, asking);
  if (found && !found.sameCaller) {
    throw new EngineError('CONFLICT', `The execution name ${JSON.stringify(request.name)} is taken: choose another name`);
  }
  return found;
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
