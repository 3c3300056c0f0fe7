/**
 * Verbs of the scheduler (Bubble's "Schedule API workflow"): schedule one run at a time or after a
 * delay, schedule one run per item of a list (a batch), describe a run. Cancelling is in
 * cancel-scheduled.ts, run now in run-now.ts, batches in batches.ts, the Scheduler view in
 * scheduler-view.ts. The runs are started by the `scheduled-start` job handler in triggers/.
 */
import { randomUUID } from 'node:crypto';
import {
  findScheduledBatchByKey,
  findScheduledRunByKey,
  getCurrentVersionHead,
  getExecution,
  getScheduledRun,
  insertScheduledBatch,
  insertScheduledRun,
  lockStarter,
  notifyJobsAvailable,
  type NewScheduledRun,
  type BatchOrdering,
  type ScheduledBatchRow,
  type ScheduledRunRow,
} from '../store/index.ts';
import { EngineError, isJsonObject, limitsOf, type Json, type JsonObject } from '../shared/index.ts';
import { checkChainLimits, checkStarter } from './chains.ts';
import type { ServiceDeps } from './deps.ts';
import { keyReused } from './idempotency.ts';
import { checkInput, checkInputSize, checkPayloadSize } from './input-schema.ts';
import { checkListItems, checkListItemSizes, dueTimeOf, isUuid, parseTime } from './scheduling-input.ts';
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
  /** The time the run was scheduled for (Run now does not change it). */
  dueAt: string;
  /** When Run now made it due ahead of dueAt; null if it waited for its time. startedAt says when it ran. */
  runNowAt: string | null;
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
    scheduledRunId: r.id, workflow: r.workflowName, status: r.status, dueAt: r.dueAt.toISOString(), runNowAt: r.runNowAt?.toISOString() ?? null, input: r.input, batchId: r.batchId,
    itemIndex: r.itemIndex, executionId: r.executionId, endedStatus: r.endedStatus, error: r.error, parentId: r.parentId,
    createdAt: r.createdAt.toISOString(), startedAt: r.startedAt?.toISOString() ?? null, cancelledAt: r.cancelledAt?.toISOString() ?? null,
  };
}

async function requireMetadata(deps: Pick<ServiceDeps, 'sql'>, workflow: string): Promise<WorkflowMetadata> {
  const version = await getCurrentVersionHead(deps.sql, workflow);
  if (!version) throw new EngineError('WORKFLOW_NOT_FOUND', `No workflow is named ${JSON.stringify(workflow)}`);
  return version.metadata as unknown as WorkflowMetadata;
}

/** Schedules one run; answers its id and due time (`created: false` for a repeated idempotency key). */
export async function scheduleRun(deps: ServiceDeps, request: ScheduleRunRequest): Promise<{ scheduledRunId: string; dueAt: string; created: boolean }> {
  const now = deps.clock.now();
  checkInputSize(request.input, '/input');
  const dueAt = dueTimeOf(request, now);
  const metadata = await requireMetadata(deps, request.workflow);
  checkInput(metadata.parameters, request.input, request.workflow);
  const asking = { identity: request.identity ?? null, input: request.input };
  if (request.idempotencyKey !== undefined) {
    const existing = await findScheduledRunByKey(deps.sql, request.workflow, request.idempotencyKey, asking);
    if (existing && !existing.sameInput) throw keyReused('schedule');
    if (existing) return { scheduledRunId: existing.id, dueAt: existing.dueAt.toISOString(), created: false };
  }
  const chain = request.parentId === undefined ? null : await chainOf(deps, request.parentId);
  const newRun: NewScheduledRun = {
    id: randomUUID(), workflowName: request.workflow, input: request.input, dueAt, idempotencyKey: request.idempotencyKey ?? null,
    chain, identity: request.identity ?? null, now: new Date(now),
  };
  const row = chain === null ? await insertScheduledRun(deps.sql, newRun) : await insertUnlessStopped(deps, chain.parentId, newRun);
  const raced = row ? null : await findScheduledRunByKey(deps.sql, request.workflow, request.idempotencyKey ?? '', asking);
  if (raced && !raced.sameInput) throw keyReused('schedule');
  const run = row ?? raced;
  if (!run) throw new EngineError('CONFLICT', 'The run could not be scheduled: its idempotency key is taken');
  if (row) await notifyJobsAvailable(deps.sql);
  return { scheduledRunId: run.id, dueAt: run.dueAt.toISOString(), created: row !== null };
}

/**
 * A run a workflow asks for is written while the asking execution's row is locked against a stop
 * (stop-execution.ts): it is written before the stop cancels what the execution scheduled, or it
 * sees the stop and is refused.
 */
async function insertUnlessStopped(deps: ServiceDeps, parentId: string, run: NewScheduledRun): Promise<ScheduledRunRow | null> {
  return deps.sql.begin(async (tx) => {
    await lockStarter(tx, parentId);
    await checkStarter(tx, parentId);
    return insertScheduledRun(tx, run);
  }) as Promise<ScheduledRunRow | null>;
}

/**
 * The chain a run scheduled by `parentId` joins, checked against the limits now so the Task fails at
 * once. A parent without a row (a transient execution) starts no chain, as with startExecution.
 */
async function chainOf(deps: ServiceDeps, parentId: string): Promise<{ parentId: string; rootId: string; depth: number } | null> {
  const parent = await getExecution(deps.sql, parentId);
  if (!parent) return null;
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

/** Schedules one run per item in one statement, every item checked against the workflow's parameters first. */
export async function scheduleList(deps: ServiceDeps, request: ScheduleBatchRequest): Promise<ScheduledBatchCreated> {
  const now = deps.clock.now();
  if (!Number.isFinite(request.intervalSeconds) || request.intervalSeconds < 0) {
    throw new EngineError('INPUT_INVALID', 'intervalSeconds must be a number of seconds, 0 or more', { details: { problems: [{ pointer: '/intervalSeconds', message: 'must be >= 0' }] } });
  }
  checkListLength(request.items.length, limitsOf(deps.limits).maxListItems);
  checkListItemSizes(request.items);
  if (request.onComplete?.input !== undefined) checkPayloadSize(request.onComplete.input, '/onComplete/input', 'onComplete.input');
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
  const asking = { identity: request.identity ?? null, items: request.items };
  if (request.idempotencyKey !== undefined) {
    const existing = await findScheduledBatchByKey(deps.sql, request.workflow, request.idempotencyKey, asking);
    if (existing && !existing.sameInput) throw keyReused('list');
    if (existing) return { ...listViewOf(existing), created: false };
  }
  const batchId = randomUUID();
  const inserted = await insertScheduledBatch(deps.sql, {
    id: batchId, workflowName: request.workflow, ordering, intervalSeconds: request.intervalSeconds, startAt,
    idempotencyKey: request.idempotencyKey ?? null, identity: request.identity ?? null, now: new Date(now),
    onComplete: request.onComplete ? { workflow: request.onComplete.workflow, input: request.onComplete.input ?? {} } : null,
  }, request.items);
  if (!inserted.created) {
    const raced = await findScheduledBatchByKey(deps.sql, request.workflow, request.idempotencyKey ?? '', asking);
    if (raced && !raced.sameInput) throw keyReused('list');
    if (raced) return { ...listViewOf(raced), created: false };
    throw new EngineError('CONFLICT', 'The list could not be scheduled: its idempotency key is taken');
  }
  await notifyJobsAvailable(deps.sql);
  return {
    batchId, count: inserted.count, firstDueAt: inserted.firstDueAt?.toISOString() ?? null, lastDueAt: inserted.lastDueAt?.toISOString() ?? null, created: true,
  };
}

/** A list holds 1 to limits.maxListItems items; more is LIST_TOO_LONG (one request, one statement: split it). */
function checkListLength(length: number, max: number): void {
  if (length === 0) {
    throw new EngineError('INPUT_INVALID', 'items must hold at least one input', { details: { problems: [{ pointer: '/items', message: 'must hold at least one item' }] } });
  }
  if (length > max) {
    throw new EngineError('LIST_TOO_LONG', `A list may hold at most ${max} items (limits.maxListItems); this one holds ${length}: schedule it in parts`, {
      details: { items: length, max },
    });
  }
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
