/**
 * The in-memory runner's threads: an execution, or one Parallel branch or Map iteration of it, each with
 * its own snapshot and queue of events; and what passes between a child thread and its parent.
 */
import type { ExecutionContext, HistoryEvent, Machine, Snapshot, StepEnv, StepEvent, Command } from '../../core/index.ts';
import { failedChildResult } from '../../core/index.ts';
import type { Json, JsonObject } from '../../shared/index.ts';
import { hashText, newTaskToken } from '../env.ts';
import type { Call } from './call.ts';

export interface ExecutionResult {
  executionId: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: Json;
  error?: string;
  cause?: string;
  /** Present when the runner keeps history (`keepHistory`). */
  history?: Array<HistoryEvent & { thread: string }>;
}

export interface Thread {
  id: string;
  execution: Execution;
  snapshot: Snapshot | null;
  queue: StepEvent[];
  busy: boolean;
  parent: { thread: Thread; groupId: string; index: number } | null;
  /** Fan-outs and resource calls in flight; made on first use (most threads have no fan-out). */
  groups: Map<string, Group> | null;
  calls: Map<string, Call<Thread>> | null;
  /** The env handed to every step of this thread: made once, `now` set before each step. */
  env: StepEnv;
  done: boolean;
}

/** A fan-out of one thread: its children's inputs, the threads started, and the results by index. */
export interface Group {
  machineIds: string[];
  inputs: Json[];
  outerVars: JsonObject;
  results: Json[];
  threads: Thread[];
}

export interface Execution {
  id: string;
  context: ExecutionContext;
  workflowName: string;
  machine: Machine;
  identity: Json;
  history: Array<HistoryEvent & { thread: string }> | null;
  resolve(result: ExecutionResult): void;
}

export function newThread(id: string, execution: Execution, parent: Thread['parent'], random: () => number): Thread {
  const env: StepEnv = { now: 0, random, hash: hashText, newTaskToken, context: execution.context, recordHistory: execution.history !== null };
  return { id, execution, snapshot: null, queue: [], busy: false, parent, groups: null, calls: null, env, done: false };
}

type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

export function openGroup(thread: Thread, command: CommandOf<'createChildren'>): void {
  const { machineIds, inputs, outerVars } = command;
  thread.groups ??= new Map();
  thread.groups.set(command.groupId, { machineIds, inputs, outerVars, results: new Array<Json>(inputs.length).fill(null), threads: [] });
}

/** The child threads a startChildren command starts, each with the event that starts it. */
export function startChildren(thread: Thread, command: CommandOf<'startChildren'>, random: () => number): Array<{ thread: Thread; start: StepEvent }> {
  const group = thread.groups?.get(command.groupId);
  if (!group) return [];
  const started: Array<{ thread: Thread; start: StepEvent }> = [];
  for (let index = command.from; index < command.from + command.count; index++) {
    const child = newThread(`${thread.id}/${command.groupId}.${index}`, thread.execution, { thread, groupId: command.groupId, index }, random);
    group.threads.push(child);
    const machineId = group.machineIds.length === 1 ? group.machineIds[0] : group.machineIds[index];
    started.push({ thread: child, start: { type: 'start', machineId, input: group.inputs[index], outerVars: group.outerVars } });
  }
  return started;
}

/** A child thread ended: its result goes into its group, and its parent hears of it. */
export function childEnded(parent: NonNullable<Thread['parent']>, command: CommandOf<'complete' | 'fail'>): StepEvent {
  const group = parent.thread.groups?.get(parent.groupId);
  if (group) group.results[parent.index] = command.type === 'complete' ? command.output : failedChildResult(command.error, command.cause);
  return command.type === 'complete'
    ? { type: 'childSucceeded', groupId: parent.groupId, index: parent.index }
    : { type: 'childFailed', groupId: parent.groupId, index: parent.index, error: command.error, cause: command.cause };
}

/**
 * The next event to step. Successes of children of one group queued one after another become one
 * `childrenSucceeded` event: children that answer at once all end before their parent steps again, and
 * one step for the lot replaces one per child (the core counts them the same way).
 */
export function nextEvent(queue: StepEvent[]): StepEvent {
  const event = queue.shift() as StepEvent;
  if (event.type !== 'childSucceeded') return event;
  let indexes: number[] | null = null;
  for (let next = queue[0]; next?.type === 'childSucceeded' && next.groupId === event.groupId; next = queue[0]) {
    indexes ??= [event.index];
    indexes.push(next.index);
    queue.shift();
  }
  return indexes ? { type: 'childrenSucceeded', groupId: event.groupId, indexes } : event;
}
