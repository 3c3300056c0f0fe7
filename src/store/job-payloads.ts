/**
 * The payloads of the job kinds that triggers handle, as versioned stored formats
 * (shared/stored-format.ts): written with their `format` by whoever enqueues them (the store's own
 * statements, the service, the runtime) and decoded by the handler. The runtime's `step` and `invoke`
 * payloads are core/stored.ts and runtime/durable/job-formats.ts.
 */
import { z } from 'zod';
import { storedFormat } from '../shared/index.ts';

/** `scheduled-start`: start a scheduled run, or a batch's on-complete workflow. */
export type ScheduledStartPayload = { runId: string } | { batchId: string };
export const scheduledStartFormat = storedFormat<ScheduledStartPayload>('scheduled-start job payload', [
  { schema: z.union([z.strictObject({ runId: z.string() }), z.strictObject({ batchId: z.string() })]) },
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

/** `flow-admit`: admit the waiting starts of a flow-controlled workflow. */
export interface FlowAdmitPayload {
  workflow: string;
}
export const flowAdmitFormat = storedFormat<FlowAdmitPayload>('flow-admit job payload', [{ schema: z.strictObject({ workflow: z.string() }) }]);

/** `cron-tick`: a schedule's next tick; `queued`: it waits for the previous execution to end. */
export interface CronTickPayload {
  scheduleId: string;
  queued?: boolean;
}
export const cronTickFormat = storedFormat<CronTickPayload>('cron-tick job payload', [
  { schema: z.strictObject({ scheduleId: z.string(), queued: z.boolean().optional() }) },
]);

/** The JSON a statement builds for a scheduled-start payload (`key` runId or batchId, `value` an SQL expression). */
export function scheduledStartPayloadSql(key: 'runId' | 'batchId', value: string): string {
  return `jsonb_build_object('format', ${scheduledStartFormat.current}, '${key}', ${value})`;
}
