/**
 * Typed in-code resources for the embeddable library: `defineResource<Input, Output>(name, handler)`.
 * The handler gets the Task's effective parameters and a context (docs/embedding.md lists its fields);
 * it answers the Task's result, or throws TaskFailure(error, cause) to fail with an ASL error name that
 * Retry and Catch match. Any other throw is States.TaskFailed.
 */
import type { InvocationContext, ResourceHandler } from '../resources/index.ts';
import type { Json, Logger } from '../shared/index.ts';

/**
 * What a handler is told about the call it serves: the engine's invocation context, less what is
 * internal (the author's references, the trace parent), plus a logger.
 */
export interface ResourceContext extends Readonly<Pick<InvocationContext,
  'executionId' | 'workflowName' | 'stateName' | 'attempt' | 'idempotencyKey' | 'taskToken' | 'signal' | 'heartbeat' | 'identity'>> {
  /** The engine's logger, with the execution, state and attempt in every line. */
  readonly logger: Logger;
}

export type ResourceFunction<Input = Json, Output = Json> = (input: Input, context: ResourceContext) => Output | Promise<Output>;

/** A named handler, made by defineResource and given to createNightshift's `resources`. */
export interface DefinedResource<Input = Json, Output = Json> {
  readonly name: string;
  readonly handler: ResourceFunction<Input, Output>;
}

const resourceName = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Names a handler; `Input` is what the Task's Parameters produce and `Output` what the Task receives.
 * The types are the caller's promise: the engine does not check the input against them.
 */
export function defineResource<Input = Json, Output = Json>(name: string, handler: ResourceFunction<Input, Output>): DefinedResource<Input, Output> {
  if (!resourceName.test(name)) throw new TypeError(`${JSON.stringify(name)} is not a resource name: letters, digits, '_', '.', ':' or '-', starting with a letter or digit`);
  if (typeof handler !== 'function') throw new TypeError(`the handler of resource ${name} is not a function`);
  return Object.freeze({ name, handler });
}

/** A logger that adds the call's fields to every line. */
function callLogger(logger: Logger, context: InvocationContext): Logger {
  const fields = { executionId: context.executionId, state: context.stateName, attempt: context.attempt };
  return {
    debug: (more, message) => logger.debug({ ...fields, ...more }, message),
    info: (more, message) => logger.info({ ...fields, ...more }, message),
    warn: (more, message) => logger.warn({ ...fields, ...more }, message),
    error: (more, message) => logger.error({ ...fields, ...more }, message),
  };
}

/**
 * The engine's handler for a library handler: the context gains `logger`. The signal is read through a
 * getter, as the runtimes make its controller only when a handler asks for it.
 */
export function toResourceHandler(handler: ResourceFunction<never, unknown>, logger: Logger): ResourceHandler {
  return (input, context) => {
    const full: ResourceContext = {
      executionId: context.executionId,
      workflowName: context.workflowName,
      stateName: context.stateName,
      attempt: context.attempt,
      idempotencyKey: context.idempotencyKey,
      taskToken: context.taskToken,
      get signal() {
        return context.signal;
      },
      heartbeat: () => context.heartbeat(),
      identity: context.identity,
      logger: callLogger(logger, context),
    };
    return (handler as ResourceFunction<Json, Json>)(input, full);
  };
}
