/**
 * `workflow:start` starts another workflow (fan-out, cascades; a workflow starting itself is how to
 * loop) and answers `{executionId}`; with `delaySeconds` or `at` it schedules a run instead and answers
 * `{scheduledRunId, dueAt}`; `workflow:start.sync` waits for the child and answers its output
 * (or fails with its error). `progress:report` stores `{done, total?, message?}` on the execution.
 * The starting and storing are injected: resources do not know the service layer.
 */
import { isEngineError, isJsonObject, type Json } from '../shared/index.ts';
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
  /** Start later (a scheduled run) instead of now: seconds from now, or an RFC 3339 time. */
  delaySeconds?: number;
  at?: string;
}

/** `{executionId}` for a start now; `{scheduledRunId, dueAt}` for a start later. */
export type StartChildResult = { executionId: string } | { scheduledRunId: string; dueAt: string };

export type StartChild = (request: ChildStartRequest) => Promise<StartChildResult>;

function readStart(input: Json, context: InvocationContext): Omit<ChildStartRequest, 'callbackToken'> {
  if (!isJsonObject(input) || typeof input.workflow !== 'string') {
    throw new TaskFailure('Workflow.InvalidInput', 'workflow:start needs {workflow: "<name>", input?: {...}, name?: "..."}');
  }
  if (input.delaySeconds !== undefined && (typeof input.delaySeconds !== 'number' || !(input.delaySeconds >= 0))) {
    throw new TaskFailure('Workflow.InvalidInput', 'delaySeconds must be a number of seconds, 0 or more');
  }
  if (input.at !== undefined && typeof input.at !== 'string') throw new TaskFailure('Workflow.InvalidInput', 'at must be an RFC 3339 time such as 2030-01-31T09:00:00Z');
  if (input.delaySeconds !== undefined && input.at !== undefined) throw new TaskFailure('Workflow.InvalidInput', 'give delaySeconds or at, not both');
  if (input.name !== undefined && typeof input.name !== 'string') throw new TaskFailure('Workflow.InvalidInput', 'name must be a string');
  if (input.name !== undefined && (input.delaySeconds !== undefined || input.at !== undefined)) {
    throw new TaskFailure('Workflow.InvalidInput', 'name cannot be given with delaySeconds or at: a scheduled run is named when it starts');
  }
  return {
    workflow: input.workflow,
    input: input.input ?? {},
    ...(typeof input.name === 'string' ? { name: input.name } : {}),
    ...(typeof input.delaySeconds === 'number' ? { delaySeconds: input.delaySeconds } : {}),
    ...(typeof input.at === 'string' ? { at: input.at } : {}),
    parentId: context.executionId,
    identity: context.identity,
    // A repeated delivery of the same attempt starts the same child, not a second one.
    idempotencyKey: context.idempotencyKey,
  };
}

/** A chain limit is the workflow's own doing (a runaway recursion): an ASL error it can catch, not a crash. */
async function startOrFail(start: StartChild, request: ChildStartRequest): Promise<StartChildResult> {
  try {
    return await start(request);
  } catch (e) {
    if (isEngineError(e) && e.code === 'CHAIN_LIMIT_EXCEEDED') throw new TaskFailure('Workflow.ChainLimitExceeded', e.message);
    throw e;
  }
}

export function createWorkflowStartResource(start: StartChild): ResourceHandler {
  return async (input, context): Promise<Json> => {
    const started = await startOrFail(start, readStart(input, context));
    return 'executionId' in started ? { executionId: started.executionId } : { scheduledRunId: started.scheduledRunId, dueAt: started.dueAt };
  };
}

export function createWorkflowStartSyncResource(start: StartChild): ResourceHandler {
  return async (input, context) => {
    if (!context.taskToken) throw new TaskFailure('States.Runtime', 'workflow:start.sync needs the engine to hand it a task token');
    const request = readStart(input, context);
    if (request.delaySeconds !== undefined || request.at !== undefined) {
      throw new TaskFailure('Workflow.InvalidInput', 'workflow:start.sync starts the child now: use workflow:start with delaySeconds or at');
    }
    const started = await startOrFail(start, { ...request, callbackToken: context.taskToken });
    return { executionId: 'executionId' in started ? started.executionId : '' };
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
