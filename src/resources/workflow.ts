/**
 * `workflow:start` starts another workflow (fan-out, cascades; a workflow starting itself is how to
 * loop) and answers `{executionId}`; `workflow:start.sync` waits for the child and answers its output
 * (or fails with its error). `progress:report` stores `{done, total?, message?}` on the execution.
 * The starting and storing are injected: resources do not know the service layer.
 */
import { isJsonObject, type Json } from '../shared/index.ts';
import { TaskFailure, type InvocationContext, type ResourceHandler } from './resource.ts';

export interface ChildStartRequest {
  workflow: string;
  input: Json;
  name?: string;
  parentId: string;
  /** Set for `.sync`: the parent task's token, answered when the child ends. */
  callbackToken?: string;
  identity: Json;
  idempotencyKey: string;
}

export type StartChild = (request: ChildStartRequest) => Promise<{ executionId: string }>;

function readStart(input: Json, context: InvocationContext): Omit<ChildStartRequest, 'callbackToken'> {
  if (!isJsonObject(input) || typeof input.workflow !== 'string') {
    throw new TaskFailure('Workflow.InvalidInput', 'workflow:start needs {workflow: "<name>", input?: {...}, name?: "..."}');
  }
  if (input.delaySeconds !== undefined || input.at !== undefined) {
    throw new TaskFailure('Workflow.InvalidInput', 'delaySeconds and at schedule a run for later: use the scheduler (POST /v1/workflows/{name}/schedule)');
  }
  if (input.name !== undefined && typeof input.name !== 'string') throw new TaskFailure('Workflow.InvalidInput', 'name must be a string');
  return {
    workflow: input.workflow,
    input: input.input ?? {},
    ...(typeof input.name === 'string' ? { name: input.name } : {}),
    parentId: context.executionId,
    identity: context.identity,
    // A repeated delivery of the same attempt starts the same child, not a second one.
    idempotencyKey: context.idempotencyKey,
  };
}

export function createWorkflowStartResource(start: StartChild): ResourceHandler {
  return async (input, context) => {
    const { executionId } = await start(readStart(input, context));
    return { executionId };
  };
}

export function createWorkflowStartSyncResource(start: StartChild): ResourceHandler {
  return async (input, context) => {
    if (!context.taskToken) throw new TaskFailure('States.Runtime', 'workflow:start.sync needs the engine to hand it a task token');
    const { executionId } = await start({ ...readStart(input, context), callbackToken: context.taskToken });
    return { executionId };
  };
}

export type SaveProgress = (executionId: string, progress: Json) => Promise<void>;

export function createProgressResource(save: SaveProgress): ResourceHandler {
  return async (input, context) => {
    if (!isJsonObject(input) || typeof input.done !== 'number' || (input.total !== undefined && typeof input.total !== 'number')) {
      throw new TaskFailure('Progress.InvalidInput', 'progress:report needs {done: number, total?: number, message?: string}');
    }
    const progress: Json = { done: input.done, ...(input.total !== undefined ? { total: input.total } : {}), ...(typeof input.message === 'string' ? { message: input.message } : {}) };
    await save(context.executionId, progress);
    return input;
  };
}
