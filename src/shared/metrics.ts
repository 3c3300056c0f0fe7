/**
 * What the runtime counts, as calls; boot decides where they go (Prometheus). Labels are names from
 * deployed definitions (workflow, state, resource), never execution ids: the implementation caps them.
 */
export interface EngineMetrics {
  executionStarted(workflow: string): void;
  executionFinished(workflow: string, status: string): void;
  /** A state was left, `seconds` after it was entered. */
  stateFinished(workflow: string, state: string, seconds: number): void;
  /** A resource call answered (or threw) after `seconds`. */
  taskFinished(workflow: string, state: string, resource: string, outcome: 'succeeded' | 'failed', seconds: number): void;
  /** A timer's step job was claimed `seconds` after it was due. */
  timerClaimed(latenessSeconds: number): void;
  /** A group commit wrote this many executions in one transaction. */
  groupCommitted(executions: number): void;
}

export const silentMetrics: EngineMetrics = {
  executionStarted() {},
  executionFinished() {},
  stateFinished() {},
  taskFinished() {},
  timerClaimed() {},
  groupCommitted() {},
};
