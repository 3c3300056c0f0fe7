/**
 * Every kind of job, declared once: its name, its payload as a versioned stored format
 * (shared/stored-format.ts: written with `format`, read back through the format's decoder), its dedupe
 * key and a builder of the job. The runtime, the service and the triggers write and read jobs only
 * through these; the SQL that enqueues scheduled starts in bulk uses the same names, payload and key
 * prefixes. A handler of any kind has one type, JobHandler; the worker is built with the table of them
 * (boot/engine.ts). The `step` payload holds a core StepEvent, so its format is core's `stepJobFormat`
 * (core/stored.ts, which the store cannot import): its builder takes the payload encoded.
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
import { z } from 'zod';
import { jsonValue, storedFormat, type AuthoredText, type Json } from '../shared/index.ts';
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
  /** Version 2: the execution's traceparent, when it is traced: the attempt's span hangs under it. */
  traceparent?: string;
}

const authoredText: z.ZodType<AuthoredText> = z.lazy(() => z.union([z.string(), z.null(), z.array(authoredText), z.record(z.string(), authoredText)]));

const invokeV1 = z.strictObject({
  invocationId: z.string(), resource: z.string(), input: jsonValue, stateName: z.string(), entry: z.number(), attempt: z.number(),
  taskToken: z.string().nullable(), workflowName: z.string(), identity: jsonValue.nullable(), authored: authoredText.optional(),
});

/** Version 2 adds the execution's traceparent (docs/observability.md, traces); a version 1 payload is one without it. */
const invokeV2 = invokeV1.extend({ traceparent: z.string().optional() });

export const invokeJobFormat = storedFormat<InvokePayload>('invoke job payload', [
  { schema: invokeV1, upgrade: (value: z.infer<typeof invokeV1>) => value },
  { schema: invokeV2 },
]);

/** `execution-ended`: an execution started with notifyOnEnd ended (batch counters, flow admission). */
export interface ExecutionEndedPayload {
  executionId: string;
  workflow: string;
  status: string;
}
export const executionEndedFormat = storedFormat<ExecutionEndedPayload>('execution-ended job payload', [
  { schema: z.strictObject({ executionId: z.string(), workflow: z.string(), status: z.string() }) },
]);

/** `scheduled-start`: start a scheduled run, or a batch's on-complete workflow. */
export type ScheduledStartPayload = { runId: string } | { batchId: string };
export const scheduledStartFormat = storedFormat<ScheduledStartPayload>('scheduled-start job payload', [
  { schema: z.union([z.strictObject({ runId: z.string() }), z.strictObject({ batchId: z.string() })]) },
]);

/** The JSON a statement builds for a scheduled-start payload (`key` runId or batchId, `value` an SQL expression). */
export function scheduledStartPayloadSql(key: 'runId' | 'batchId', value: string): string {
  return `jsonb_build_object('format', ${scheduledStartFormat.current}, '${key}', ${value})`;
}

/** `cron-tick`: a schedule's next tick; `queued`: it waits for the previous execution to end. */
export interface CronTickPayload {
  scheduleId: string;
  queued?: boolean;
}
export const cronTickFormat = storedFormat<CronTickPayload>('cron-tick job payload', [
  { schema: z.strictObject({ scheduleId: z.string(), queued: z.boolean().optional() }) },
]);

/** `flow-admit`: admit the waiting starts of a flow-controlled workflow. */
export interface FlowAdmitPayload {
  workflow: string;
}
export const flowAdmitFormat = storedFormat<FlowAdmitPayload>('flow-admit job payload', [{ schema: z.strictObject({ workflow: z.string() }) }]);

// The current invoke version must describe exactly InvokePayload: a change fails here until it becomes a new version.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const currentShape: Same<z.infer<typeof invokeV2>, InvokePayload> = true;
void currentShape;

/** Decodes a claimed job's payload through its kind's format; `where` names the job in a refusal. */
export function decodePayload<T extends object>(format: { decode(stored: unknown, where: string): T; name: string }, job: { id: number; payload: unknown }): T {
  return format.decode(job.payload, `the payload of ${format.name.replace(/ job payload$/, '')} job ${job.id}`);
}

/** The job builders, one per kind, each payload encoded with its current format (scheduled starts are enqueued in bulk by their SQL). */
export const jobs = {
  /** `format`: core's stepJobFormat (the store cannot import core), which encodes the event with its version. */
  step: <E>(format: { encode(value: { event: E }): Json }, executionId: string, event: E, runAt: Date, dedupeKey: string | null = null): NewJob => ({
    kind: jobKinds.step, executionId, payload: format.encode({ event }), runAt, dedupeKey,
  }),
  invoke: (threadId: string, payload: InvokePayload, runAt: Date): NewJob => ({
    kind: jobKinds.invoke, executionId: threadId, payload: invokeJobFormat.encode(payload), runAt, dedupeKey: jobKeys.invoke(threadId, payload.invocationId),
    // Only workers that serve the resource claim the job.
    resource: payload.resource,
  }),
  executionEnded: (ended: ExecutionEndedPayload, eventCount: number, runAt: Date): NewJob => ({
    kind: jobKinds.executionEnded, executionId: ended.executionId, payload: executionEndedFormat.encode(ended), runAt,
    dedupeKey: jobKeys.executionEnded(ended.executionId, eventCount),
  }),
  cronTick: (scheduleId: string, runAt: Date, queued = false): NewJob => ({
    kind: jobKinds.cronTick, runAt, payload: cronTickFormat.encode(queued ? { scheduleId, queued } : { scheduleId }), dedupeKey: jobKeys.cronTick(scheduleId),
  }),
  /** At `at` (deduplicated per workflow and time), or now without a key (an end may free a slot any time). */
  flowAdmit: (workflow: string, runAt: Date, deduplicated: boolean): NewJob => ({
    kind: jobKinds.flowAdmit, payload: flowAdmitFormat.encode({ workflow }), runAt,
    dedupeKey: deduplicated ? jobKeys.flowAdmit(workflow, runAt.getTime()) : null,
  }),
  outboxDrain: (runAt: Date): NewJob => ({ kind: jobKinds.outboxDrain, runAt, dedupeKey: jobKeys.outboxDrain }),
};
