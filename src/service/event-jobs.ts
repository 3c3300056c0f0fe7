/**
 * Jobs the service writes inside its own transactions for the runtime and the triggers to carry out:
 * an event for an execution (the runtime's `step` job, `{event}`), and the `execution-ended` job
 * the runtime writes when an execution with notifyOnEnd ends (triggers/scheduled-runs.ts reads it).
 * Writing them in the transaction that decided them means a crash can lose neither.
 */
import { stepJobFormat, type StepEvent } from '../core/index.ts';
import { executionEndedFormat, type NewJob } from '../store/index.ts';

/** An event delivered to an execution by a worker, as the runtime's own step jobs carry it. */
export function stepEventJob(executionId: string, event: StepEvent, runAt: Date, dedupeKey: string | null = null): NewJob {
  return { kind: 'step', executionId, payload: stepJobFormat.encode({ event }), runAt, dedupeKey };
}

/** What the runtime enqueues when an execution started with notifyOnEnd ends (batches, flow admission). */
export function executionEndedJob(executionId: string, workflow: string, status: string, runAt: Date): NewJob {
  return { kind: 'execution-ended', executionId, payload: executionEndedFormat.encode({ executionId, workflow, status }), runAt, dedupeKey: `ended:${executionId}:stopped` };
}
