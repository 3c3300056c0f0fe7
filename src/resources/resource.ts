/**
 * What a Task state calls. A resource gets the state's effective parameters and an invocation context;
 * it answers a JSON value, or fails with TaskFailure(error, cause) — any other throw is States.TaskFailed.
 */
import type { AuthoredText, Json } from '../shared/index.ts';

export interface InvocationContext {
  /** The execution (or its Parallel branch / Map iteration) that runs the Task. */
  executionId: string;
  workflowName: string;
  /** The Task state's name. */
  stateName: string;
  /** 0 for the first attempt of this state, 1 for the first retry, ... */
  attempt: number;
  /** `<execution>:<state>:<attempt>` (see idempotencyKeyOf): the same for a repeated delivery of one attempt. */
  idempotencyKey: string;
  /** Set when the Task's Resource ends in `.waitForTaskToken`: the execution waits for it, not for the result. */
  taskToken: string | null;
  /** Aborted when the task times out, misses a heartbeat or the execution stops. */
  signal: AbortSignal;
  /** Tells the engine the task is alive (HeartbeatSeconds). */
  heartbeat(): void;
  /** Who the execution acts as (API key role, JWT claims, trigger role); null when unknown. */
  identity: Json;
  /**
   * The references the workflow's author wrote into the Task's Parameters/Arguments, by place (see
   * shared/authored.ts): the only text of the input in which `${secrets.…}`, `${env.…}` and `${context.…}` are
   * resolved. Null when the author wrote none; the input is then data only.
   */
  authored: AuthoredText;
  /** W3C traceparent of this attempt's span when tracing is on: pass it on to what the handler calls. */
  traceparent?: string;
}

export type ResourceHandler = (input: Json, context: InvocationContext) => Json | Promise<Json>;

/**
 * Whether a handler's answer is still to come. A Json value is never thenable; runners step an answer
 * given at once in the same turn, with no promise round trip.
 */
export function isPendingAnswer(answer: unknown): answer is PromiseLike<unknown> {
  return answer !== null && typeof answer === 'object' && typeof (answer as { then?: unknown }).then === 'function';
}

/** Statements a transactional resource may run: inside the step's transaction, under the execution's identity. */
export interface StepDatabase {
  query(text: string, params: Json[]): Promise<{ rows: Json[]; rowCount: number }>;
}

export type TransactionalHandler = (input: Json, context: InvocationContext, db: StepDatabase) => Promise<Json>;

/**
 * `<execution>:<state>:<attempt>`; a state entered again in a loop adds its pass number
 * (`<execution>:<state>#<pass>:<attempt>`), so that no two calls share a key and a repeated
 * delivery of one call always has the same.
 */
export function idempotencyKeyOf(executionId: string, stateName: string, entry: number, attempt: number): string {
  return entry === 0 ? `${executionId}:${stateName}:${attempt}` : `${executionId}:${stateName}#${entry}:${attempt}`;
}

/** A resource's way to fail with a chosen ASL error name, which Retry and Catch can match. */
export class TaskFailure extends Error {
  readonly error: string;
  readonly causeText: string | undefined;

  constructor(error: string, cause?: string) {
    super(cause === undefined ? error : `${error}: ${cause}`);
    this.name = 'TaskFailure';
    this.error = error;
    this.causeText = cause;
  }
}

/**
 * Whether a thrown value is a TaskFailure, by its shape rather than its class: a handler may throw the
 * TaskFailure of another copy of this package (a linked install, two versions side by side), whose
 * class is not this one. The shape: an Error-like object named 'TaskFailure' with a string `error`.
 */
export function isTaskFailure(value: unknown): value is TaskFailure {
  if (value === null || typeof value !== 'object') return false;
  const { name, error, causeText } = value as { name?: unknown; error?: unknown; causeText?: unknown };
  return name === 'TaskFailure' && typeof error === 'string' && error !== '' && (causeText === undefined || typeof causeText === 'string');
}

/** Any throw as an ASL failure: TaskFailure keeps its name, anything else is States.TaskFailed. */
export function failureOf(thrown: unknown): { error: string; cause?: string } {
  if (isTaskFailure(thrown)) {
    return thrown.causeText === undefined ? { error: thrown.error } : { error: thrown.error, cause: thrown.causeText };
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { error: 'States.TaskFailed', cause: message };
}
