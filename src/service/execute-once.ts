/** Verb: run one execution in-process (transient) and report how it ended. */
import type { StateMachine, WorkflowFile } from '../asl/index.ts';
import type { Json } from '../shared/index.ts';
import { checkInput, checkInputSize } from './input-schema.ts';

export interface RunResult {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: Json;
  error?: string;
  cause?: string;
}

/** What executes a definition in memory; boot supplies the runtime's runner. */
export interface TransientRunner {
  run(definition: StateMachine, input: Json, options: { name?: string; workflowName?: string; executionId?: string; identity?: Json }): Promise<RunResult>;
}

export async function executeOnce(
  deps: { runner: TransientRunner },
  request: { workflow: WorkflowFile; input: Json; name?: string; identity?: Json },
): Promise<RunResult> {
  const { workflow, input } = request;
  checkInputSize(input);
  checkInput(workflow.parameters, input, workflow.name);
  return deps.runner.run(workflow.definition, input, { name: request.name, workflowName: workflow.name, identity: request.identity });
}
