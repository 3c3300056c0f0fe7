/**
 * Held starts: starts that flow control keeps waiting (docs/flow-control.md). They have their
 * execution id already and are shown as executions (status RUNNING, `waitingReason`), listed among
 * executions and in the Scheduler (kind `held`), and stopped like executions: a stopped held start
 * becomes an ABORTED execution that never ran, and never starts later.
 */
import {
  abortHeldStart,
  consumeTaskTokenHash,
  enqueueJobs,
  getFlowWait,
  listHeldStartsDue,
  lockFlow,
  neverDue,
  notifyJobsAvailable,
  type FlowWaitRow,
  type NewJob,
  type Queryable,
  type ScheduledFilter,
  type SchedulerCursor,
} from '../store/index.ts';
import { z } from 'zod';
import { EngineError, jsonValue, storedFormat, type Json } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { executionEndedJob, stepEventJob } from './event-jobs.ts';
import type { ExecutionView } from './executions.ts';

/** The part of a start that admission needs besides id, input and version (flow_waits.start). */
export interface StoredStart {
  name: string;
  identity: Json | null;
  parentId: string | null;
  rootId: string;
  depth: number;
  idempotencyKey: string | null;
  callbackToken: string | null;
}

const storedStartV1 = z.strictObject({
  name: z.string(), identity: jsonValue.nullable(), parentId: z.string().nullable(), rootId: z.string(), depth: z.number(),
  idempotencyKey: z.string().nullable(), callbackToken: z.string().nullable(),
});

/** `flow_waits.start`, a versioned stored format (docs/stored-formats.md). */
export const storedStartFormat = storedFormat<StoredStart>('held start', [{ schema: storedStartV1 }]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const currentShape: Same<z.infer<typeof storedStartV1>, StoredStart> = true;
void currentShape;

export function storedStartOf(row: FlowWaitRow): StoredStart {
  return storedStartFormat.decode(row.start, `the held start ${row.id}`);
}

/** A held start as an execution: RUNNING, with why it waits and since when. */
export function heldStartView(row: FlowWaitRow): ExecutionView {
  const start = storedStartOf(row);
  return {
    executionId: row.id, workflow: row.workflowName, versionId: row.versionId, name: start.name, status: 'RUNNING', mode: 'persistent',
    input: row.input, output: null, error: null, cause: null, parentId: start.parentId, rootId: start.rootId, progress: null, redriveCount: 0,
    startedAt: row.createdAt.toISOString(), stoppedAt: null,
    waitingReason: reasonOf(row), waitingSince: row.createdAt.toISOString(),
  };
}

function reasonOf(row: FlowWaitRow): string {
  return row.reason ?? (row.admittedAt ? 'admitted, starting' : 'waiting for admission');
}

/** A held start in the Scheduler: when its debounce window ends (null: when a slot frees), and why it waits. */
export async function heldStartItems(deps: Pick<ServiceDeps, 'sql'>, f: ScheduledFilter, after: SchedulerCursor | null, limit: number) {
  const rows = await listHeldStartsDue(deps.sql, f, after, limit, neverDue);
  return rows.map((row) => ({
    at: row.sortAt,
    item: {
      kind: 'held' as const, id: row.id, workflow: row.workflowName, dueAt: row.sortAt.getTime() === neverDue.getTime() ? null : row.sortAt.toISOString(),
      input: row.input, executionId: row.id, reason: reasonOf(row),
    },
  }));
}

/**
 * Stops a held start: in one transaction under its workflow's flow lock (so admission cannot start it
 * meanwhile) it becomes an ABORTED execution. False when `id` is not a held start (its execution
 * exists, or there is none).
 */
export async function stopHeldStart(deps: Pick<ServiceDeps, 'sql' | 'clock'>, id: string, reason: StopReason): Promise<boolean> {
  const row = await getFlowWait(deps.sql, id);
  if (!row || row.startedAt) return false;
  const now = new Date(deps.clock.now());
  const stopped = await deps.sql.begin((tx) => abortHeld(tx, { id, workflowName: row.workflowName }, reason, now));
  if (stopped) await notifyJobsAvailable(deps.sql);
  return stopped;
}

export interface StopReason {
  error: string;
  cause: string;
}

/**
 * In the caller's transaction: the held start becomes an ABORTED execution that never ran; its
 * `execution-ended` job lets admission move the queue on (and a batch count it), and a
 * workflow:start.sync parent gets the failure. False when it is not held any more.
 */
export async function abortHeld(tx: Queryable, held: { id: string; workflowName: string }, reason: StopReason, now: Date): Promise<boolean> {
  await lockFlow(tx, held.workflowName);
  const aborted = await abortHeldStart(tx, held.id, { ...reason, now });
  if (!aborted) return false;
  if (!aborted.aborted) throw new EngineError('CONFLICT', `The held start ${held.id} cannot be recorded as stopped: its name or idempotency key is taken by another execution`);
  const jobs: NewJob[] = [executionEndedJob(held.id, aborted.workflowName, 'ABORTED', now)];
  const token = aborted.callbackTokenHash ? await consumeTaskTokenHash(tx, aborted.callbackTokenHash, now) : null;
  if (token) jobs.push(stepEventJob(token.executionId, { type: 'taskFailed', invocationId: token.invocationId, ...reason }, now));
  await enqueueJobs(tx, jobs);
  return true;
}
