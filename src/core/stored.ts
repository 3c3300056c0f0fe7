/**
 * The core's data as the durable runtime stores it: snapshots (`executions.snapshot`), the events that
 * step jobs carry (`jobs.payload` of kind `step`) and history events (each event's `details` in `history.batch`), each a
 * versioned format (shared/stored-format.ts).
 * Version 1 is the shape of the types in model.ts; the compile-time checks below fail when those types
 * change without a new version here (and the recorded executions under test/replay fail when a version is
 * edited instead of added).
 */
import { z } from 'zod';
import { jsonObjectValue, jsonValue, storedFormat, type JsonObject } from '../shared/index.ts';
import type { Pending, Snapshot, StepEvent } from './model.ts';

const nullableNumber = z.number().nullable();

const pendingV1 = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('enter') }),
  z.strictObject({
    kind: z.literal('task'), invocationId: z.string(), resource: z.string(), input: jsonValue, timeoutTimer: z.string().nullable(),
    heartbeatTimer: z.string().nullable(), heartbeatSeconds: nullableNumber, taskToken: z.string().nullable(),
  }),
  z.strictObject({ kind: z.literal('wait'), timerId: z.string(), output: jsonValue, assign: jsonObjectValue.nullable() }),
  z.strictObject({ kind: z.literal('retry'), timerId: z.string() }),
  z.strictObject({
    kind: z.literal('children'), groupId: z.string(), stateType: z.enum(['Parallel', 'Map']), total: z.number(), nextIndex: z.number(),
    running: z.number(), maxConcurrency: z.number(), succeeded: z.number(), failed: z.number(), toleratedCount: nullableNumber,
    toleratedPercentage: nullableNumber, collecting: z.boolean(),
  }),
]);

const snapshotV1 = z.strictObject({
  machineId: z.string(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
  stateName: z.string().nullable(),
  stateInput: jsonValue,
  enteredAt: z.number(),
  attempt: z.number(),
  // Releases before numbered formats left a hole for each unused Retrier before the one used: null here.
  retryCounts: z.array(z.number().nullable().transform((n) => n ?? 0)),
  entries: z.record(z.string(), z.number()),
  vars: jsonObjectValue,
  outerVars: jsonObjectValue,
  redriveCount: z.number(),
  pending: pendingV1.nullable(),
  seq: z.number(),
  transitions: z.number(),
  executionTimer: z.string().nullable(),
  output: jsonValue.optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});

const stepEventV1 = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), machineId: z.string().optional(), input: jsonValue, outerVars: jsonObjectValue.optional() }),
  z.strictObject({ type: z.literal('continue') }),
  z.strictObject({ type: z.literal('taskSucceeded'), invocationId: z.string(), output: jsonValue }),
  z.strictObject({ type: z.literal('taskFailed'), invocationId: z.string(), error: z.string(), cause: z.string().optional() }),
  z.strictObject({ type: z.literal('taskHeartbeat'), invocationId: z.string() }),
  z.strictObject({ type: z.literal('timerFired'), timerId: z.string() }),
  z.strictObject({ type: z.literal('childSucceeded'), groupId: z.string(), index: z.number() }),
  z.strictObject({ type: z.literal('childrenSucceeded'), groupId: z.string(), indexes: z.array(z.number()) }),
  z.strictObject({ type: z.literal('childFailed'), groupId: z.string(), index: z.number(), error: z.string(), cause: z.string().optional() }),
  z.strictObject({ type: z.literal('childrenCollected'), groupId: z.string(), results: z.array(jsonValue) }),
  z.strictObject({ type: z.literal('stop'), error: z.string().optional(), cause: z.string().optional(), status: z.enum(['ABORTED', 'FAILED']).optional() }),
  z.strictObject({ type: z.literal('redrive') }),
]);

/** The payload of a `step` job: the event to deliver to the job's execution. */
export interface StepJobPayload {
  event: StepEvent;
}

const stepJobV1 = z.strictObject({ event: stepEventV1 });

/**
 * The `details` of each event in `history.batch` (store/history.ts): the fields of one history event. Version 1 holds any JSON object: what an
 * event records depends on its type, and readers (the API, the dashboard) show it as it is.
 */
const historyDetailsV1 = z.record(z.string(), jsonValue);

/** `executions.snapshot`: the interpreter's state between steps. */
export const snapshotFormat = storedFormat<Snapshot>('snapshot', [{ schema: snapshotV1 }]);

export const historyDetailsFormat = storedFormat<JsonObject>('history event', [{ schema: historyDetailsV1 }]);

/** `jobs.payload` of a `step` job. */
export const stepJobFormat = storedFormat<StepJobPayload>('step job payload', [{ schema: stepJobV1 }]);

// The current version's schema must describe exactly the types the core works on: a change to model.ts
// fails here until it becomes a new version (with an upgrade from the last one).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const currentShapes: [Same<z.infer<typeof snapshotV1>, Snapshot>, Same<z.infer<typeof pendingV1>, Pending>, Same<z.infer<typeof stepEventV1>, StepEvent>] = [true, true, true];
void currentShapes;
