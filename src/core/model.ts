/**
 * The data the pure interpreter works on: snapshots in, snapshots out, with the events it was given,
 * the history events it records and the commands it asks the runtime to carry out. All of it is JSON.
 */
import type { AuthoredText, Json, JsonObject } from '../shared/index.ts';
import type { HashAlgorithm } from './intrinsics/index.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What the runtime supplies to every step: time and randomness never come from anywhere else. */
export interface StepEnv {
  /**
   * The execution-wide part of the context object. Given on every step rather than kept in each
   * snapshot: a Map's 10 000 branches would otherwise each carry the execution's input.
   */
  context: ExecutionContext;
  /** Milliseconds since the epoch. */
  now: number;
  /** Uniform in [0, 1): jitter, MathRandom, UUID. */
  random(): number;
  /** Lowercase hex digest (States.Hash, $hash). */
  hash(algorithm: HashAlgorithm, data: string): string;
  /** An unguessable task token for `.waitForTaskToken`. */
  newTaskToken(): string;
  /**
   * False when the caller keeps no history (transient runs): the step then builds no history events
   * (measured: ~30% of a short in-memory workflow's time went to events nobody read).
   */
  recordHistory?: boolean;
}

/** The execution-wide part of the context object (`$$`), fixed at start (RedriveCount comes from the snapshot). */
export interface ExecutionContext {
  Execution: { Id: string; Input: Json; Name: string; StartTime: string; RoleArn?: string };
  StateMachine: { Id: string; Name: string };
}

export type Pending =
  | { kind: 'enter' }
  | {
      kind: 'task';
      invocationId: string;
      resource: string;
      input: Json;
      timeoutTimer: string | null;
      heartbeatTimer: string | null;
      heartbeatSeconds: number | null;
      taskToken: string | null;
    }
  | { kind: 'wait'; timerId: string; output: Json; assign: JsonObject | null }
  | { kind: 'retry'; timerId: string }
  | ChildrenPending;

/**
 * A fan-out in progress. Only counters live here: the children's inputs and results stay with the
 * runtime (rows of their own in Postgres), so a child's end costs the parent O(1), not O(items).
 */
export interface ChildrenPending {
  kind: 'children';
  groupId: string;
  stateType: 'Parallel' | 'Map';
  total: number;
  nextIndex: number;
  running: number;
  maxConcurrency: number;
  succeeded: number;
  failed: number;
  toleratedCount: number | null;
  toleratedPercentage: number | null;
  /** Every child has ended: the results were asked for (`collectResults`) and are awaited. */
  collecting: boolean;
}

export interface Snapshot {
  /** '' for the top-level machine, else the JSON pointer of a Parallel branch or Map item processor. */
  machineId: string;
  status: ExecutionStatus;
  stateName: string | null;
  /** The raw input of the current state. */
  stateInput: Json;
  enteredAt: number;
  /** Attempts of the current state so far: 0 for the first. */
  attempt: number;
  /** Retries used, per Retrier of the current state. */
  retryCounts: number[];
  /** How many times each state was entered in this thread: tells a loop's passes apart. */
  entries: Record<string, number>;
  vars: JsonObject;
  /** Variables of enclosing scopes, read-only here. */
  outerVars: JsonObject;
  /** How many times the execution was redriven ($$.Execution.RedriveCount). */
  redriveCount: number;
  pending: Pending | null;
  seq: number;
  transitions: number;
  executionTimer: string | null;
  output?: Json;
  error?: string;
  cause?: string;
}

export type StepEvent =
  | { type: 'start'; machineId?: string; input: Json; outerVars?: JsonObject }
  | { type: 'continue' }
  | { type: 'taskSucceeded'; invocationId: string; output: Json }
  | { type: 'taskFailed'; invocationId: string; error: string; cause?: string }
  | { type: 'taskHeartbeat'; invocationId: string }
  | { type: 'timerFired'; timerId: string }
  | { type: 'childSucceeded'; groupId: string; index: number }
  /**
   * Several children of one group succeeded, in this order: what a runner that saw them end together
   * may send instead of one childSucceeded each (one step instead of many; the core counts the same).
   */
  | { type: 'childrenSucceeded'; groupId: string; indexes: number[] }
  | { type: 'childFailed'; groupId: string; index: number; error: string; cause?: string }
  /** The answer to `collectResults`: every child's output by index ({Error, Cause} for a tolerated failure). */
  | { type: 'childrenCollected'; groupId: string; results: Json[] }
  /** Ends the machine: ABORTED (a stop), or FAILED when the runtime ends it for a limit. */
  | { type: 'stop'; error?: string; cause?: string; status?: 'ABORTED' | 'FAILED' }
  /** Resume a FAILED, TIMED_OUT or ABORTED machine at the state where it ended (Step Functions' redrive). */
  | { type: 'redrive' };


export type TimerPurpose = 'wait' | 'retry' | 'timeout' | 'heartbeat' | 'execution-timeout';

export type Command =
  | {
      type: 'invoke';
      invocationId: string;
      resource: string;
      input: Json;
      stateName: string;
      /** 0 on the first entry of the state in this thread, 1 on the next (a loop), ... */
      entry: number;
      attempt: number;
      timeoutSeconds: number | null;
      heartbeatSeconds: number | null;
      taskToken: string | null;
      /** Where the author wrote references into the parameters (shared/authored.ts); null when nowhere. */
      authored: AuthoredText;
    }
  | { type: 'cancelInvocation'; invocationId: string; reason: string }
  | { type: 'wakeAt'; timerId: string; at: number; purpose: TimerPurpose }
  | { type: 'cancelTimer'; timerId: string }
  /**
   * Record the children of a fan-out: child i runs machine `machineIds[i]` (or the only one) on
   * `inputs[i]`, seeing `outerVars`. None runs until started.
   */
  | { type: 'createChildren'; groupId: string; machineIds: string[]; inputs: Json[]; outerVars: JsonObject }
  /** Start children `from` .. `from + count - 1` of a group. */
  | { type: 'startChildren'; groupId: string; from: number; count: number }
  /** Every child has ended: answer with a `childrenCollected` event. */
  | { type: 'collectResults'; groupId: string }
  | { type: 'cancelChildren'; groupId: string }
  | { type: 'continue' }
  | { type: 'complete'; output: Json }
  | { type: 'fail'; status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; error: string; cause?: string };

export interface HistoryEvent {
  type: string;
  stateName: string | null;
  details: JsonObject;
  at: number;
}

export interface StepResult {
  snapshot: Snapshot;
  events: HistoryEvent[];
  commands: Command[];
}
