/**
 * Verbs of the scheduler (Bubble's "Schedule API workflow"): schedule one run at a time or after a
 * delay, schedule one run per item of a list (a batch), describe, cancel, run now. The runs are
 * started by the `scheduled-start` job handler in triggers/.
 */
import { randomUUID } from 'node:crypto';
import {
  cancelScheduledRun,
  cancelScheduledRuns,
  enqueueBatchCompletions,
  enqueueNextSequentialRuns,
  findScheduledBatchByKey,
  findScheduledRunByKey,
  getCurrentVersion,
  getExecution,
  getScheduledBatch,
  getScheduledRun,
  insertScheduledBatch,
  insertScheduledRun,
  notifyJobsAvailable,
  runScheduledRunNow,
  wakeSleepingThreads,
  type BatchOrdering,
  type CancelResult,
  type Queryable,
  type ScheduledBatchRow,
  type ScheduledFilter,
  type ScheduledRunRow,
} from '../store/index.ts';
import { EngineError, isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
import { checkChainLimits } from './chains.ts';
import type { ServiceDeps } from './deps.ts';
import { checkInput } from './input-schema.ts';
import { checkListItems, dueTimeOf, isUuid, parseTime } from './scheduling-input.ts';
import type { WorkflowMetadata } from './workflows.ts';

export interface ScheduleRunRequest {
  workflow: string;
  input: Json;
  /** RFC 3339 time (or a Date); give this or delaySeconds. */
  at?: string | Date;
  delaySeconds?: number;
  /** The same key for the same workflow returns the first run instead of scheduling another. */
  idempotencyKey?: string;
  identity?: Json;
  /** The execution that schedules this run (workflow:start with a delay): the run joins its chain. */
  parentId?: string;
}

export interface ScheduledRunView {
  scheduledRunId: string;
  workflow: string;
  status: string;
  dueAt: string;
  input: Json;
  batchId: string | null;
  itemIndex: number | null;
  executionId: string | null;
  /** How the started execution ended, once it has. */
  endedStatus: string | null;
  /** Why the start was refused (then status is CANCELLED). */
  error: string | null;
  parentId: string | null;
  createdAt: string;
  startedAt: string | null;
  cancelledAt: string | null;
}

export function scheduledRunView(r: ScheduledRunRow): ScheduledRunView {
  return {
    scheduledRunId: r.id, workflow: r.workflowName, status: r.status, dueAt: r.dueAt.toISOString(), input: r.input, batchId: r.batchId,
    itemIndex: r.itemIndex, executionId: r.executionId, endedStatus: r.endedStatus, error: r.error, parentId: r.parentId,
    createdAt: r.createdAt.toISOString(), startedAt: r.startedAt?.toISOString() ?? null, cancelledAt: r.cancelledAt?.toISOString() ?? null,
  };
}

async function requireMetadata(deps: Pick<ServiceDeps, 'sql'>, workflow: string): Promise<WorkflowMetadata> {
  const version = await getCurrentVersion(deps.sql, workflow);
  if (!version) throw new EngineError('WORKFLOW_NOT_FOUND', `No workflow is named ${JSON.stringify(workflow)}`);
  return version.metadata as unknown as WorkflowMetadata;
}

/** Schedules one run; answers its id and due time (`created: false` for a repeated idempotency key). */
export async function scheduleRun(deps: ServiceDeps, request: ScheduleRunRequest): Promise<{ scheduledRunId: string; dueAt: string; created: boolean }> {
  const now = deps.clock.now();
  const dueAt = dueTimeOf(request, now);
  const metadata = await requireMetadata(deps, request.workflow);
  checkInput(metadata.parameters, request.input, request.workflow);
  if (request.idempotencyKey !== undefined) {
    const existing = await findScheduledRunByKey(deps.sql, request.workflow, request.idempotencyKey);
    if (existing) return { scheduledRunId: existing.id, dueAt: existing.dueAt.toISOString(), created: false };
  }
  const chain = request.parentId === undefined ? null : await chainOf(deps, request.parentId);
  const row = await insertScheduledRun(deps.sql, {
    id: randomUUID(), workflowName: request.workflow, input: request.input, dueAt, idempotencyKey: request.idempotencyKey ?? null,
    chain, identity: request.identity ?? null, now: new Date(now),
  });
  const run = row ?? (await findScheduledRunByKey(deps.sql, request.workflow, request.idempotencyKey ?? ''));
  if (!run) throw new EngineError('CONFLICT', 'The run could not be scheduled: its idempotency key is taken');
  if (row) await notifyJobsAvailable(deps.sql);
  return { scheduledRunId: run.id, dueAt: run.dueAt.toISOString(), created: row !== null };
}

/** The chain a run scheduled by `parentId` joins, checked against the limits now so the Task fails at once. */
async function chainOf(deps: ServiceDeps, parentId: string): Promise<{ parentId: string; rootId: string; depth: number }> {
  const parent = await getExecution(deps.sql, parentId);
  if (!parent) throw new EngineError('EXECUTION_NOT_FOUND', `No execution has the id ${JSON.stringify(parentId)}`);
  const position = { rootId: parent.rootId, depth: parent.depth + 1 };
  await checkChainLimits(deps, position);
  return { parentId: parent.id, ...position };
}

export interface ScheduleBatchRequest {
  workflow: string;
  /** One run per item: each item is that run's input. */
  items: readonly Json[];
  /** When item 0 is due (RFC 3339); default now. */
  startAt?: string | Date;
  /** Seconds between consecutive items' due times (0: all at once). */
  intervalSeconds: number;
  /** parallel (default): each item at its time; sequential: item n+1 also waits for item n to end. */
  ordering?: BatchOrdering;
  /** Started once when every item has ended or was cancelled: its input plus a `batch` field with the counters. */
  onComplete?: { workflow: string; input?: JsonObject };
  idempotencyKey?: string;
  identity?: Json;
}

export interface ScheduledBatchCreated {
  batchId: string;
  count: number;
  firstDueAt: string | null;
  lastDueAt: string | null;
  created: boolean;
}

/** Most items one list may have. Measured: 100 000 items are stored in one statement in about 2.5 s. */
export const maxListItems = 100_000;

/** Schedules one run per item in one statement, every item checked against the workflow's parameters first. */
export async function scheduleList(deps: ServiceDeps, request: ScheduleBatchRequest): Promise<ScheduledBatchCreated> {
  const now = deps.clock.now();
  if (!Number.isFinite(request.intervalSeconds) || request.intervalSeconds < 0) {
    throw new EngineError('INPUT_INVALID', 'intervalSeconds must be a number of seconds, 0 or more', { details: { problems: [{ pointer: '/intervalSeconds', message: 'must be >= 0' }] } });
  }
  if (request.items.length === 0 || request.items.length > maxListItems) {
    throw new EngineError('INPUT_INVALID', `items must hold 1 to ${maxListItems} inputs; it holds ${request.items.length}`, {
      details: { problems: [{ pointer: '/items', message: `must hold 1 to ${maxListItems} items` }] },
    });
  }
  const ordering = request.ordering ?? 'parallel';
  if (ordering !== 'parallel' && ordering !== 'sequential') throw new EngineError('INPUT_INVALID', 'ordering must be parallel or sequential');
  const startAt = request.startAt === undefined ? new Date(now) : parseTime(request.startAt, 'startAt');
  const metadata = await requireMetadata(deps, request.workflow);
  checkListItems(metadata.parameters, request.items, request.workflow);
  if (request.onComplete) {
    await requireMetadata(deps, request.onComplete.workflow);
    if (request.onComplete.input !== undefined && !isJsonObject(request.onComplete.input)) {
      throw new EngineError('INPUT_INVALID', 'onComplete.input must be an object (a batch field with the counters is added to it)');
    }
  }
  if (request.idempotencyKey !== undefined) {
    const existing = await findScheduledBatchByKey(deps.sql, request.workflow, request.idempotencyKey);
    if (existing) return { ...listViewOf(existing), created: false };
  }
  const batchId = randomUUID();
  const inserted = await insertScheduledBatch(deps.sql, {
    id: batchId, workflowName: request.workflow, ordering, intervalSeconds: request.intervalSeconds, startAt,
    idempotencyKey: request.idempotencyKey ?? null, identity: request.identity ?? null, now: new Date(now),
    onComplete: request.onComplete ? { workflow: request.onComplete.workflow, input: request.onComplete.input ?? {} } : null,
  }, request.items);
  if (!inserted.created) {
    const raced = await findScheduledBatchByKey(deps.sql, request.workflow, request.idempotencyKey ?? '');
    if (raced) return { ...listViewOf(raced), created: false };
    throw new EngineError('CONFLICT', 'The list could not be scheduled: its idempotency key is taken');
  }
  await notifyJobsAvailable(deps.sql);
  return {
    batchId, count: inserted.count, firstDueAt: inserted.firstDueAt?.toISOString() ?? null, lastDueAt: inserted.lastDueAt?.toISOString() ?? null, created: true,
  };
}

function listViewOf(b: ScheduledBatchRow): Omit<ScheduledBatchCreated, 'created'> {
  const last = new Date(b.startAt.getTime() + Math.max(0, b.total - 1) * b.intervalSeconds * 1000);
  return { batchId: b.id, count: b.total, firstDueAt: b.startAt.toISOString(), lastDueAt: last.toISOString() };
}

export async function describeScheduledRun(deps: Pick<ServiceDeps, 'sql'>, id: string): Promise<ScheduledRunView> {
  const run = isUuid(id) ? await getScheduledRun(deps.sql, id) : null;
  if (!run) throw new EngineError('SCHEDULED_RUN_NOT_FOUND', `No scheduled run has the id ${JSON.stringify(id)}`);
  const view = scheduledRunView(run);
  // A lone run does not record its end (no batch counts it): its execution says.
  if (view.endedStatus === null && view.executionId !== null) {
    const execution = await getExecution(deps.sql, view.executionId);
    if (execution && execution.status !== 'RUNNING' && execution.status !== 'PENDING') view.endedStatus = execution.status;
  }
  return view;
}

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

async function cancelIn(deps: ServiceDeps, cancel: (tx: Queryable, now: Date) => Promise<CancelResult>): Promise<CancelResult> {
  const now = new Date(deps.clock.now());
  return deps.sql.begin(async (tx) => {
    const result = await cancel(tx, now);
    await advanceBatches(tx, result.batchIds, now);
    return result;
  }) as Promise<CancelResult>;
}

/** Cancels one scheduled run (with its job). To cancel an execution sleeping in a Wait, stop the execution. */
export async function cancelScheduled(deps: ServiceDeps, id: string): Promise<ScheduledRunView> {
  const run = await describeScheduledRun(deps, id);
  if (run.status !== 'SCHEDULED') throw new EngineError('CONFLICT', `Scheduled run ${id} is ${run.status}; only a SCHEDULED run can be cancelled`);
  const result = await cancelIn(deps, (tx, now) => cancelScheduledRun(tx, id, now));
  if (result.cancelled === 0) throw new EngineError('CONFLICT', `Scheduled run ${id} is being started right now`);
  return describeScheduledRun(deps, id);
}

export interface CancelFilter {
  workflow?: string;
  batchId?: string;
  before?: string | Date;
  after?: string | Date;
  /** Runs whose input contains this JSON (`{"user_id": 42}`, nested objects allowed). */
  inputContains?: JsonObject;
  /** Required, alone, to cancel every scheduled run. */
  all?: boolean;
}

/** Parses the filter shared by listing and cancelling; an empty one is allowed only with `all`. */
export function scheduledFilterOf(filter: Omit<CancelFilter, 'all'>): ScheduledFilter {
  const out: ScheduledFilter = {};
  if (filter.workflow !== undefined) out.workflow = filter.workflow;
  if (filter.batchId !== undefined) {
    if (!isUuid(filter.batchId)) throw new EngineError('BATCH_NOT_FOUND', `No batch has the id ${JSON.stringify(filter.batchId)}`);
    out.batchId = filter.batchId;
  }
  if (filter.before !== undefined) out.before = parseTime(filter.before, 'before');
  if (filter.after !== undefined) out.after = parseTime(filter.after, 'after');
  if (filter.inputContains !== undefined) out.inputContains = filter.inputContains;
  return out;
}

/** Cancels every scheduled run the filter selects (by workflow, batch, time range, input fields), or all with `all: true`. */
export async function cancelScheduledBy(deps: ServiceDeps, filter: CancelFilter): Promise<{ cancelled: number }> {
  const { all, ...rest } = filter;
  const parsed = scheduledFilterOf(rest);
  const empty = Object.keys(parsed).length === 0;
  if (empty && all !== true) {
    throw new EngineError('INPUT_INVALID', 'Give a filter (workflow, batchId, before, after, input) or all: true to cancel every scheduled run', {
      details: { problems: [{ pointer: '/all', message: 'an empty filter needs all: true' }] },
    });
  }
  if (!empty && all === true) {
    throw new EngineError('INPUT_INVALID', 'all: true cancels every scheduled run and takes no other filter', {
      details: { problems: [{ pointer: '/all', message: 'cannot be combined with a filter' }] },
    });
  }
  const result = await cancelIn(deps, (tx, now) => cancelScheduledRuns(tx, parsed, now));
  return { cancelled: result.cancelled };
}

export interface RunNowResult {
  id: string;
  kind: 'scheduled-run' | 'wait';
  /** Execution ids (or branch ids) woken from their Wait; the run's id for a scheduled run. */
  woken: string[];
}

/** Makes a scheduled run due now, or wakes an execution (and its branches) sleeping in a Wait. */
export async function runNow(deps: ServiceDeps, id: string): Promise<RunNowResult> {
  if (!isUuid(id)) throw new EngineError('SCHEDULED_RUN_NOT_FOUND', `No scheduled run or execution has the id ${JSON.stringify(id)}`);
  const now = new Date(deps.clock.now());
  const run = await getScheduledRun(deps.sql, id);
  if (run) {
    if (run.status !== 'SCHEDULED') throw new EngineError('CONFLICT', `Scheduled run ${id} is ${run.status}; only a SCHEDULED run can run now`);
    const moved = await inTransactionWithNotify(deps, (tx) => runScheduledRunNow(tx, id, now).then((ok) => (ok ? [id] : [])));
    return { id, kind: 'scheduled-run', woken: moved };
  }
  const execution = await getExecution(deps.sql, id);
  if (!execution) throw new EngineError('SCHEDULED_RUN_NOT_FOUND', `No scheduled run or execution has the id ${JSON.stringify(id)}`);
  const woken = await inTransactionWithNotify(deps, (tx) => wakeSleepingThreads(tx, id, now));
  if (woken.length === 0) throw new EngineError('CONFLICT', `Execution ${id} is ${execution.status} and not sleeping in a Wait state`);
  return { id, kind: 'wait', woken };
}

async function inTransactionWithNotify(deps: ServiceDeps, work: (tx: Queryable) => Promise<string[]>): Promise<string[]> {
  return deps.sql.begin(async (tx) => {
    const ids = await work(tx);
    if (ids.length > 0) await notifyJobsAvailable(tx);
    return ids;
  }) as Promise<string[]>;
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
