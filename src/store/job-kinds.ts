/**
 * Every kind of job, declared once: its name, its payload, its dedupe key and a builder of the job.
 * The runtime, the service and the triggers write and read jobs only through these; the SQL that
 * enqueues scheduled starts in bulk uses the same names and key prefixes. A handler of any kind has
 * one type, JobHandler; the worker is built with the table of them (boot/engine.ts).
 *
 * | kind              | payload                      | dedupe key                                         | handled by                     |
 * |-------------------|------------------------------|----------------------------------------------------|--------------------------------|
 * | `step`            | `{event}`                    | timer, child end or stop: see `jobKeys`; else none | the runtime (commit.ts)        |
 * | `invoke`          | InvokePayload                | `invoke:<thread>:<invocation>`                     | the runtime (invoke.ts)        |
 * | `execution-ended` | `{executionId, workflow, status}` | `ended:<execution>:<its event count at the end>` | triggers/scheduled-runs.ts   |
 * | `scheduled-start` | `{runId}` or `{batchId}`     | `scheduled:<run>`, `scheduled-batch:<batch>`       | triggers/scheduled-runs.ts     |
 * | `cron-tick`       | `{scheduleId, queued?}`      | `cron:<schedule>`                                  | triggers/cron.ts               |
 * | `flow-admit`      | `{workflow}`                 | `flow-admit:<workflow>:<when>`, or none (at once)  | triggers/flow-control.ts       |
 * | `outbox-drain`    | none                         | `outbox-drain`                                     | triggers/table-changes.ts      |
 */
import type { AuthoredText, Json, JsonObject } from '../shared/index.ts';
import type { ClaimedJob, NewJob } from './jobs.ts';

/**
 * Runs one claimed job; `workerId` holds its lease, and the handler completes the job itself
 * (completeJobs) in the transaction of its effects. With `batch`, the jobs of that kind claimed
 * together are handed over together.
 */
export type JobHandler = ((job: ClaimedJob, workerId: string) => Promise<void>) & {
  batch?: (jobs: ClaimedJob[], workerId: string) => Promise<void>;
};

export const jobKinds = {
  step: 'step',
  invoke: 'invoke',
  executionEnded: 'execution-ended',
  scheduledStart: 'scheduled-start',
  cronTick: 'cron-tick',
  flowAdmit: 'flow-admit',
  outboxDrain: 'outbox-drain',
} as const;

export type JobKind = (typeof jobKinds)[keyof typeof jobKinds];

/** The dedupe keys: each names the one pending job of its kind that may exist for its subject. */
export const jobKeys = {
  invoke: (threadId: string, invocationId: string) => `invoke:${threadId}:${invocationId}`,
  timer: (threadId: string, timerId: string) => `timer:${threadId}:${timerId}`,
  childEnded: (childId: string) => `child:${childId}`,
  stop: (executionId: string) => `stop:${executionId}`,
  /** An execution may end more than once (a redrive): each end has its own, by its event count then. */
  executionEnded: (executionId: string, eventCount: number) => `ended:${executionId}:${eventCount}`,
  scheduledRun: (runId: string) => `${scheduledKeyPrefixes.run}${runId}`,
  scheduledBatch: (batchId: string) => `${scheduledKeyPrefixes.batch}${batchId}`,
  cronTick: (scheduleId: string) => `cron:${scheduleId}`,
  flowAdmit: (workflow: string, at: number) => `flow-admit:${workflow}:${at}`,
  outboxDrain: 'outbox-drain',
} as const;

/** The prefixes the bulk SQL of scheduled starts puts before a run's or a batch's id. */
export const scheduledKeyPrefixes = { run: 'scheduled:', batch: 'scheduled-batch:' } as const;

/** `step`: an event for one thread (the runtime decodes `event` as a core StepEvent). */
export interface StepPayload {
  event: JsonObject;
}

/** `invoke`: what the worker needs to call the resource. */
export interface InvokePayload {
  invocationId: string;
  resource: string;
  input: Json;
  stateName: string;
  entry: number;
  attempt: number;
  taskToken: string | null;
  workflowName: string;
  identity: Json | null;
  /** The Task's authored references (shared/authored.ts); written only when there are some. */
  authored?: AuthoredText;
}

/** `execution-ended`: written when an execution started with notifyOnEnd ends (batches, flow admission). */
export interface ExecutionEndedPayload {
  executionId: string;
  workflow: string;
  status: string;
}

/** `scheduled-start`: a run to start, or a finished batch whose on-complete workflow to start. */
export type ScheduledStartPayload = { runId: string } | { batchId: string };

/** `cron-tick`: a schedule's pending tick; `queued`: it waits for the previous execution to end. */
export interface CronTickPayload {
  scheduleId: string;
  queued?: boolean;
}

/** `flow-admit`: admission of a flow-controlled workflow's waiting starts. */
export interface FlowAdmitPayload {
  workflow: string;
}

const asJson = (payload: object): Json => payload as unknown as Json;

/** The job builders, one per kind (scheduled starts are enqueued in bulk by their SQL). */
export const jobs = {
  step: (executionId: string, event: object, runAt: Date, dedupeKey: string | null = null): NewJob => ({
    kind: jobKinds.step, executionId, payload: asJson({ event }), runAt, dedupeKey,
  }),
  invoke: (threadId: string, payload: InvokePayload, runAt: Date): NewJob => ({
    kind: jobKinds.invoke, executionId: threadId, payload: asJson(payload), runAt, dedupeKey: jobKeys.invoke(threadId, payload.invocationId),
  }),
  executionEnded: (ended: ExecutionEndedPayload, eventCount: number, runAt: Date): NewJob => ({
    kind: jobKinds.executionEnded, executionId: ended.executionId, payload: asJson(ended), runAt, dedupeKey: jobKeys.executionEnded(ended.executionId, eventCount),
  }),
  cronTick: (scheduleId: string, runAt: Date, queued = false): NewJob => ({
    kind: jobKinds.cronTick, runAt, payload: asJson(queued ? { scheduleId, queued } : { scheduleId }), dedupeKey: jobKeys.cronTick(scheduleId),
  }),
  /** At `at` (deduplicated per workflow and time), or now without a key (an end may free a slot any time). */
  flowAdmit: (workflow: string, runAt: Date, deduplicated: boolean): NewJob => ({
    kind: jobKinds.flowAdmit, payload: asJson({ workflow } satisfies FlowAdmitPayload), runAt,
    dedupeKey: deduplicated ? jobKeys.flowAdmit(workflow, runAt.getTime()) : null,
  }),
  outboxDrain: (runAt: Date): NewJob => ({ kind: jobKinds.outboxDrain, runAt, dedupeKey: jobKeys.outboxDrain }),
};
