/**
 * What a committed step tells operators: executions started and ended, how long each state took
 * (metrics), and a log line for every execution that failed or timed out. Called only after the
 * transaction committed, so a rolled-back step is never counted.
 */
import type { HistoryEvent, Snapshot } from '../../core/index.ts';
import type { ExecutionRow } from '../../store/index.ts';
import type { EngineMetrics, EngineTracer, Logger } from '../../shared/index.ts';

/** One row as a step found it, and what the step made of it. */
export interface ObservedStep {
  row: ExecutionRow;
  /** The row's state, when it entered it, and its status before the step (the row object may be updated in place later). */
  before: { stateName: string | null; enteredAt: number; status: ExecutionRow['status'] };
  status: ExecutionRow['status'];
  events: readonly HistoryEvent[];
  error: string | null;
  cause: string | null;
}

const endings: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED', ExecutionFailed: 'FAILED', ExecutionTimedOut: 'TIMED_OUT', ExecutionAborted: 'ABORTED',
};

/** Causes come from resources and callers: long ones are cut in logs (the whole cause is in the history). */
const maxCauseInLog = 500;

export function observeSteps(steps: readonly ObservedStep[], logger: Logger, metrics: EngineMetrics, tracer?: EngineTracer): void {
  for (const step of steps) observeStep(step, logger, metrics, tracer);
}

function observeStep({ row, before, status, events, error, cause }: ObservedStep, logger: Logger, metrics: EngineMetrics, tracer?: EngineTracer): void {
  const workflow = row.workflowName;
  // When each state was entered: the state the row was in, then every state entered in this step.
  const entered = new Map<string, number>(before.stateName ? [[before.stateName, before.enteredAt]] : []);
  let lastState = before.stateName;
  for (const event of events) {
    if (event.stateName && event.type.endsWith('StateEntered')) {
      entered.set(event.stateName, event.at);
      lastState = event.stateName;
    } else if (event.stateName && event.type.endsWith('StateExited')) {
      const at = entered.get(event.stateName);
      if (at !== undefined) {
        metrics.stateFinished(workflow, event.stateName, Math.max(0, event.at - at) / 1000);
        if (tracer && row.traceparent) stateSpan(tracer, row, event, at);
      }
    } else if (event.type === 'TaskFailed' || event.type === 'TaskTimedOut') logTaskFailure(row, event, logger);
    else if (row.kind === 'execution' && event.type === 'ExecutionStarted') metrics.executionStarted(workflow);
    else if (row.kind === 'execution' && endings[event.type]) metrics.executionFinished(workflow, endings[event.type]);
  }
  if (row.kind === 'execution' && (status === 'FAILED' || status === 'TIMED_OUT') && before.status !== status) {
    logger.warn(
      { executionId: row.id, workflow, state: lastState, status, error, cause: cause === null ? null : clip(cause) },
      `execution ${status === 'FAILED' ? 'failed' : 'timed out'}`,
    );
  }
}

/** One span per state visit, under the execution's stored traceparent; failed when the step failed in it. */
function stateSpan(tracer: EngineTracer, row: ExecutionRow, exited: HistoryEvent, enteredAt: number): void {
  const type = exited.type.slice(0, -'StateExited'.length);
  tracer.record(`state ${exited.stateName}`, row.traceparent as string, {
    'nightshift.workflow': row.workflowName, 'nightshift.execution_id': row.ownerId ?? row.id, 'nightshift.state': exited.stateName as string,
    'nightshift.state_type': type, ...(row.kind === 'branch' ? { 'nightshift.branch_id': row.id } : {}),
  }, enteredAt, exited.at);
}

/** What `ObservedStep.before` holds, read from a row before it is stepped. */
export function beforeStep(row: ExecutionRow): ObservedStep['before'] {
  const snapshot = row.snapshot as Snapshot | null;
  return { stateName: snapshot?.stateName ?? null, enteredAt: snapshot?.enteredAt ?? 0, status: row.status };
}

/** Every failed attempt of a Task, whatever its resource: the error and its cause, never the input. */
function logTaskFailure(row: ExecutionRow, event: HistoryEvent, logger: Logger): void {
  const { resource, error, cause } = event.details as { resource?: string; error?: string; cause?: string };
  const where = row.kind === 'branch' ? { executionId: row.ownerId, branchId: row.id } : { executionId: row.id };
  logger.warn({
    ...where, workflow: row.workflowName, state: event.stateName, resource: resource ?? null,
    error: error ?? null, cause: typeof cause === 'string' ? clip(cause) : null,
  }, event.type === 'TaskTimedOut' ? 'task timed out' : 'task failed');
}

function clip(text: string): string {
  return text.length <= maxCauseInLog ? text : `${text.slice(0, maxCauseInLog)}… (${text.length} characters)`;
}
