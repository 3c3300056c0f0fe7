/**
 * The in-memory runner: drives the pure core with real resources and a clock, holding every snapshot in
 * memory. It runs `nightshift execute`, the conformance suite and transient executions. A Parallel
 * branch or Map iteration is a thread of its own with its own snapshot; its parent joins it.
 */
import type { StateMachine } from '../../asl/index.ts';
import { compileMachine, step, type Command, type StepEvent, type StepResult } from '../../core/index.ts';
import type { ResourceRegistry } from '../../resources/index.ts';
import { newExecutionId, systemClock, type Clock, type Json } from '../../shared/index.ts';
import { Call, type CallOwner } from './call.ts';
import { childEnded, newThread, nextEvent, openGroup, startChildren, type Execution, type ExecutionResult, type Thread } from './thread.ts';
import { TimerQueue } from './timers.ts';

export type { ExecutionResult } from './thread.ts';

export interface MemoryRunnerOptions {
  registry: ResourceRegistry;
  clock?: Clock;
  /** Let time jump to the next timer whenever nothing is running (see TimerQueue). */
  virtualTime?: boolean;
  random?: () => number;
  /** Keep every history event of each execution in its result (costs memory; off by default). */
  keepHistory?: boolean;
}

export interface StartOptions {
  name?: string;
  workflowName?: string;
  executionId?: string;
  identity?: Json;
}

export class MemoryRunner {
  private readonly registry: ResourceRegistry;
  private readonly random: () => number;
  private readonly timers: TimerQueue;
  private readonly tokens = new Map<string, Call<Thread>>();
  private readonly roots = new Map<string, Thread>();
  private readonly keepHistory: boolean;
  /** Steps queued or running, and invocations in flight: while any, virtual time stands still. */
  private work = 0;

  constructor(options: MemoryRunnerOptions) {
    this.registry = options.registry;
    this.random = options.random ?? Math.random;
    this.keepHistory = options.keepHistory ?? false;
    this.timers = new TimerQueue(options.clock ?? systemClock, options.virtualTime ?? false, () => this.work === 0);
  }

  now(): number {
    return this.timers.now();
  }

  /** Starts an execution; the promise settles when it ends, whatever the status. */
  run(definition: StateMachine, input: Json, options: StartOptions = {}): Promise<ExecutionResult> {
    return new Promise((resolve) => {
      const id = options.executionId ?? newExecutionId();
      const workflowName = options.workflowName ?? 'workflow';
      const execution: Execution = {
        id,
        context: {
          Execution: { Id: id, Input: input, Name: options.name ?? id, StartTime: new Date(this.now()).toISOString() },
          StateMachine: { Id: `nightshift:workflow:${workflowName}`, Name: workflowName },
        },
        workflowName,
        machine: compileMachine(definition),
        identity: options.identity ?? null,
        history: this.keepHistory ? [] : null,
        resolve: (result) => {
          this.roots.delete(id);
          resolve(result);
        },
      };
      const root = newThread(id, execution, null, this.random);
      this.roots.set(id, root);
      this.deliver(root, { type: 'start', input });
    });
  }

  /** Stops a running execution (ABORTED); false when there is none with that id. */
  stop(executionId: string, error?: string, cause?: string): boolean {
    const root = this.roots.get(executionId);
    if (!root) return false;
    this.deliver(root, { type: 'stop', error, cause });
    return true;
  }

  sendTaskSuccess(token: string, output: Json): boolean {
    return this.answerToken(token, (invocationId) => ({ type: 'taskSucceeded', invocationId, output }));
  }

  sendTaskFailure(token: string, error: string, cause?: string): boolean {
    return this.answerToken(token, (invocationId) => ({ type: 'taskFailed', invocationId, error, cause }));
  }

  sendTaskHeartbeat(token: string): boolean {
    const call = this.tokens.get(token);
    if (!call) return false;
    this.deliver(call.thread, { type: 'taskHeartbeat', invocationId: call.invocationId });
    return true;
  }

  /** Ends every timer; running executions are abandoned (transient mode promises nothing more). */
  close(): void {
    this.timers.stop();
  }

  private answerToken(token: string, event: (invocationId: string) => StepEvent): boolean {
    const call = this.tokens.get(token);
    if (!call) return false;
    this.tokens.delete(token);
    this.deliver(call.thread, event(call.invocationId));
    return true;
  }

  private deliver(thread: Thread, event: StepEvent): void {
    if (thread.done) return;
    thread.queue.push(event);
    if (!thread.busy) {
      thread.busy = true;
      this.work++;
      this.pump(thread);
    }
  }

  /**
   * Steps the thread's queued events in order. A step that evaluated no JSONata answers at once and the
   * loop goes on in the same call; one that did answers with a promise, and the pump resumes when it
   * settles (the thread stays busy meanwhile, so its events keep their order).
   */
  private pump(thread: Thread): void {
    const { execution } = thread;
    while (thread.queue.length > 0 && !thread.done) {
      const event = nextEvent(thread.queue);
      thread.env.now = this.now();
      let result: StepResult | Promise<StepResult>;
      try {
        result = step(execution.machine, thread.snapshot, event, thread.env);
        if (!(result instanceof Promise)) {
          this.record(thread, result);
          continue;
        }
      } catch (e) {
        this.crashed(thread, e);
        continue;
      }
      result
        .then((later) => this.record(thread, later))
        .catch((e: unknown) => this.crashed(thread, e))
        .then(() => this.pump(thread));
      return;
    }
    thread.busy = false;
    this.work--;
    this.timers.settle();
  }

  private record(thread: Thread, result: StepResult): void {
    const { execution } = thread;
    thread.snapshot = result.snapshot;
    if (execution.history) {
      const tag = thread.parent ? thread.id.slice(execution.id.length + 1) : '';
      for (const e of result.events) execution.history.push({ ...e, thread: tag });
    }
    for (const command of result.commands) this.apply(thread, command);
  }

  /** A bug in the engine, not in the workflow: end this thread visibly instead of hanging it. */
  private crashed(thread: Thread, e: unknown): void {
    const cause = e instanceof Error ? e.message : String(e);
    this.end(thread, { type: 'fail', status: 'FAILED', error: 'States.Runtime', cause: `internal error: ${cause}` });
  }

  private apply(thread: Thread, command: Command): void {
    (this.appliers[command.type] as (thread: Thread, command: Command) => void)(thread, command);
  }

  /** What each command does: one entry per command type. */
  private readonly appliers: { [T in Command['type']]: (thread: Thread, command: Extract<Command, { type: T }>) => void } = {
    invoke: (thread, command) => this.invoke(thread, command),
    cancelInvocation: (thread, command) => {
      const call = thread.calls?.get(command.invocationId);
      thread.calls?.delete(command.invocationId);
      if (call?.taskToken) this.tokens.delete(call.taskToken);
      call?.abort(new Error(command.reason));
    },
    wakeAt: (thread, command) =>
      this.timers.set(`${thread.id}#${command.timerId}`, command.at, () => this.deliver(thread, { type: 'timerFired', timerId: command.timerId })),
    cancelTimer: (thread, command) => this.timers.cancel(`${thread.id}#${command.timerId}`),
    createChildren: (thread, command) => openGroup(thread, command),
    startChildren: (thread, command) => {
      for (const child of startChildren(thread, command, this.random)) this.deliver(child.thread, child.start);
    },
    collectResults: (thread, command) => {
      const group = thread.groups?.get(command.groupId);
      thread.groups?.delete(command.groupId);
      this.deliver(thread, { type: 'childrenCollected', groupId: command.groupId, results: group?.results ?? [] });
    },
    cancelChildren: (thread, command) => {
      for (const child of thread.groups?.get(command.groupId)?.threads ?? []) {
        child.parent = null;
        this.deliver(child, { type: 'stop', error: 'States.BranchFailed', cause: 'A sibling failed' });
      }
      thread.groups?.delete(command.groupId);
    },
    continue: (thread) => {
      this.work++;
      setImmediate(() => {
        this.work--;
        this.deliver(thread, { type: 'continue' });
      });
    },
    complete: (thread, command) => this.end(thread, command),
    fail: (thread, command) => this.end(thread, command),
  };

  /** Where calls report back: one object for the runner's lifetime. */
  private readonly callOwner: CallOwner<Thread> = {
    settled: (call, event) => this.callSettled(call, event),
    heartbeat: (call) => {
      if (call.thread.calls?.has(call.invocationId)) this.deliver(call.thread, { type: 'taskHeartbeat', invocationId: call.invocationId });
    },
  };

  private invoke(thread: Thread, command: Extract<Command, { type: 'invoke' }>): void {
    const handler = this.registry.get(command.resource);
    const { invocationId, taskToken } = command;
    if (!handler) {
      this.deliver(thread, { type: 'taskFailed', invocationId, error: 'States.Runtime', cause: `No resource is registered as '${command.resource}'` });
      return;
    }
    const { execution } = thread;
    const call = new Call(this.callOwner, thread, {
      invocationId,
      executionId: thread.id,
      workflowName: execution.workflowName,
      stateName: command.stateName,
      entry: command.entry,
      attempt: command.attempt,
      taskToken,
      identity: execution.identity,
      authored: command.authored,
    });
    thread.calls ??= new Map();
    thread.calls.set(invocationId, call);
    if (taskToken) this.tokens.set(taskToken, call);
    this.work++;
    call.start(handler, command.input);
  }

  /** A call answered or was abandoned; an answer counts unless the call was called off meanwhile. */
  private callSettled(call: Call<Thread>, event: StepEvent | null): void {
    const { thread, invocationId, taskToken } = call;
    this.work--;
    // A call with a task token waits for the token's answer; only its failure counts at once.
    if (event && thread.calls?.has(invocationId) && (!taskToken || event.type === 'taskFailed')) {
      thread.calls.delete(invocationId);
      if (taskToken) this.tokens.delete(taskToken);
      this.deliver(thread, event);
    }
    this.timers.settle();
  }

  private end(thread: Thread, command: Extract<Command, { type: 'complete' | 'fail' }>): void {
    if (thread.done) return;
    thread.done = true;
    if (thread.calls) {
      for (const call of thread.calls.values()) call.abort(new Error('the execution ended'));
      thread.calls.clear();
    }
    const parent = thread.parent;
    if (parent) {
      this.deliver(parent.thread, childEnded(parent, command));
      return;
    }
    if (thread.id !== thread.execution.id) return;
    const result: ExecutionResult =
      command.type === 'complete'
        ? { executionId: thread.id, status: 'SUCCEEDED', output: command.output }
        : { executionId: thread.id, status: command.status, error: command.error };
    if (thread.execution.history) result.history = thread.execution.history;
    if (command.type === 'fail' && command.cause !== undefined) result.cause = command.cause;
    thread.execution.resolve(result);
  }
}
