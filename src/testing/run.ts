/**
 * `runWorkflow`: one execution of a workflow in memory, with resources mocked per name and virtual time
 * (Wait states and retry intervals pass at once), read back as the path taken, each state's input and
 * output, the resource calls and the history. It imports no test runner: node:test, vitest or any other
 * asserts on what it answers.
 */
import { loadWorkflow, type WorkflowFile } from '../asl/index.ts';
import { createLocalEngine } from '../boot/index.ts';
import { toResourceHandler, type ResourceFunction } from '../lib/index.ts';
import type { InvocationContext } from '../resources/index.ts';
import { checkInput, checkInputSize, formatProblems, validateFile, type WorkflowSource } from '../service/index.ts';
import { EngineError, silentLogger, type Json, type Logger } from '../shared/index.ts';
import { readRun, type WorkflowRun } from './read-run.ts';

/** A mock: a handler (it may throw TaskFailure), or a fixed result. */
export type MockResource = ResourceFunction<any, any> | Json;

export interface RunWorkflowOptions {
  /** The execution input (default `{}`); checked against the workflow's `parameters`. */
  input?: unknown;
  /** Resources by name. A Task whose resource is not here fails with States.Runtime ("No resource is registered"). */
  resources?: Record<string, MockResource>;
  /** Virtual time (default true): Waits and retry intervals pass at once whenever nothing is running. */
  virtualTime?: boolean;
  /** The time the execution starts at (default now); `$$.Execution.StartTime`, Wait timestamps and history use it. */
  startAt?: Date | string;
  /** Where the mocks' `context.logger` writes (default nowhere). */
  logger?: Logger;
  /** The execution name ($$.Execution.Name). */
  name?: string;
}

/** A workflow file (path), or its content as an object: a wrapper with `name`, or plain ASL (`name` optional). */
export type WorkflowUnderTest = string | WorkflowSource | ({ StartAt: string; States: Record<string, unknown> } & Record<string, unknown>);

async function load(workflow: WorkflowUnderTest): Promise<WorkflowFile> {
  const found = typeof workflow === 'string'
    ? await validateFile(workflow, { anyFileName: true })
    : loadWorkflow(JSON.stringify(withoutAslName(workflow)), `${typeof workflow.name === 'string' ? workflow.name : 'workflow'}.json`, { anyFileName: true });
  if (!found.workflow) {
    throw new EngineError('DEFINITION_INVALID', `The workflow has ${found.problems.length} problem(s):\n${formatProblems(found.problems)}`, { details: { problems: found.problems } });
  }
  return found.workflow;
}

/** A plain ASL object may carry a `name` for the test's sake; ASL itself has no such field. */
function withoutAslName(workflow: Record<string, unknown>): Record<string, unknown> {
  if (!('StartAt' in workflow) || !('name' in workflow)) return workflow;
  const { name: _name, ...rest } = workflow;
  return rest;
}

function startClock(startAt: Date | string | undefined): { now(): number } | undefined {
  if (startAt === undefined) return undefined;
  const start = new Date(startAt).getTime();
  if (Number.isNaN(start)) throw new EngineError('INPUT_INVALID', `startAt ${JSON.stringify(startAt)} is not a time`);
  const real = Date.now();
  return { now: () => start + (Date.now() - real) };
}

export async function runWorkflow(workflow: WorkflowUnderTest, options: RunWorkflowOptions = {}): Promise<WorkflowRun> {
  const file = await load(workflow);
  const input = (options.input ?? {}) as Json;
  checkInputSize(input);
  checkInput(file.parameters, input, file.name);
  const engine = await createLocalEngine({ builtins: false, keepHistory: true, virtualTime: options.virtualTime ?? true, clock: startClock(options.startAt) });
  const calls: WorkflowRun['calls'] = [];
  for (const [name, mock] of Object.entries(options.resources ?? {})) {
    const handler = typeof mock === 'function' ? toResourceHandler(mock, options.logger ?? silentLogger) : () => mock;
    engine.registry.register(name, (callInput: Json, context: InvocationContext) => {
      calls.push({ resource: name, stateName: context.stateName, attempt: context.attempt, input: callInput });
      return handler(callInput, context);
    });
  }
  try {
    const result = await engine.runner.run(file.definition, input, { workflowName: file.name, name: options.name });
    return readRun(result, calls);
  } finally {
    await engine.close();
  }
}
