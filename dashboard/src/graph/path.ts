/**
 * What an execution's history says about its graph: each visit of a state (its input, output, task
 * parameters and result, failures), how the visit ended, and the transitions taken. Each thread (the
 * execution, or one Map iteration or Parallel branch, told apart by branchId) is followed on its own.
 * Pure: history events in, a description out.
 */
import type { HistoryEvent, Json } from '../api/types.ts';
import { endId, startId, stateId } from './layout.ts';

export type VisitStatus = 'active' | 'succeeded' | 'failed' | 'caught';

export interface Failure {
  error?: string;
  cause?: string;
}

export interface StateVisit {
  stateName: string;
  stateType: string;
  /** The thread: absent for the execution itself. */
  branchId?: string;
  /** Which thread, 1 for the first branch seen, in the order they started. */
  thread: number;
  input?: Json;
  output?: Json;
  /** A Task's effective parameters, and the resource's raw result. */
  parameters?: Json;
  result?: Json;
  /** Failed attempts (retried or not) and the failure that ended the state. */
  failures: Failure[];
  enteredAt: string;
  exitedAt?: string;
  status: VisitStatus;
}

export interface ExecutionPath {
  visits: StateVisit[];
  /** Visits by node id (`state:<name>`). */
  byNode: Map<string, StateVisit[]>;
  nodeStatus: Map<string, VisitStatus>;
  /** `<source node id>-><target node id>` of every transition taken. */
  takenEdges: Set<string>;
}

interface Thread {
  open?: StateVisit;
  last?: string;
  number: number;
  /** The open visit's latest attempt failed (a Catch may still take it elsewhere). */
  failing: boolean;
}

const failureEvents = /^(Task(Failed|TimedOut)|(Map|Parallel)StateFailed)$/;
const endEvents = /^Execution(Succeeded|Failed|TimedOut|Aborted)$/;
const precedence: VisitStatus[] = ['failed', 'active', 'caught', 'succeeded'];

const failureOf = (details: Record<string, Json>): Failure => ({
  error: typeof details.error === 'string' ? details.error : undefined,
  cause: typeof details.cause === 'string' ? details.cause : undefined,
});

export function executionPath(events: readonly HistoryEvent[], executionRunning: boolean): ExecutionPath {
  const path: ExecutionPath = { visits: [], byNode: new Map(), nodeStatus: new Map(), takenEdges: new Set() };
  const threads = new Map<string, Thread>();
  const threadOf = (event: HistoryEvent): Thread => {
    const key = event.branchId ?? '';
    let thread = threads.get(key);
    if (!thread) threads.set(key, (thread = { number: threads.size, failing: false }));
    return thread;
  };
  for (const event of events) apply(path, threadOf(event), event);
  for (const visit of path.visits) {
    if (visit.status === 'active' && !executionRunning) visit.status = 'failed';
    const id = stateId(visit.stateName);
    const known = path.nodeStatus.get(id);
    if (!known || precedence.indexOf(visit.status) < precedence.indexOf(known)) path.nodeStatus.set(id, visit.status);
  }
  return path;
}

function apply(path: ExecutionPath, thread: Thread, event: HistoryEvent): void {
  const { type, stateName, details } = event;
  const open = thread.open;
  if (type.endsWith('StateEntered') && stateName !== null) {
    // Entering a state while another is open: that one was left by a Catch.
    if (open) open.status = thread.failing ? 'caught' : 'succeeded';
    thread.failing = false;
    const id = stateId(stateName);
    const from = thread.last ?? (event.branchId === undefined && path.visits.length === 0 ? startId : undefined);
    if (from) path.takenEdges.add(`${from}->${id}`);
    const visit: StateVisit = {
      stateName, stateType: type.slice(0, -'StateEntered'.length), thread: thread.number, input: details.input, failures: [],
      enteredAt: event.timestamp, status: 'active', ...(event.branchId ? { branchId: event.branchId } : {}),
    };
    path.visits.push(visit);
    path.byNode.set(id, [...(path.byNode.get(id) ?? []), visit]);
    thread.open = visit;
    thread.last = id;
  } else if (type.endsWith('StateExited') && open) {
    // A caught failure also leaves its state, with the error as output.
    Object.assign(open, { output: details.output, exitedAt: event.timestamp, status: thread.failing ? 'caught' : 'succeeded' });
    thread.open = undefined;
    thread.failing = false;
  } else if (type === 'TaskScheduled' && open) {
    open.parameters = details.parameters;
  } else if (type === 'TaskSucceeded' && open) {
    open.result = details.output;
    thread.failing = false;
  } else if (failureEvents.test(type) && open) {
    open.failures.push(failureOf(details));
    thread.failing = true;
  } else if (type === 'ExecutionRedriven') {
    // The failed state is entered again: no transition was taken.
    thread.last = undefined;
  } else if (endEvents.test(type)) {
    endThread(path, thread, event);
  }
}

function endThread(path: ExecutionPath, thread: Thread, event: HistoryEvent): void {
  const open = thread.open;
  // The execution reached End by succeeding, or through a Fail state; a failed task stops short of it.
  const reachedEnd = event.type === 'ExecutionSucceeded' || open?.stateType === 'Fail';
  if (event.type !== 'ExecutionSucceeded' && open) {
    const failure = failureOf(event.details);
    const last = open.failures[open.failures.length - 1];
    if (failure.error && failure.error !== last?.error) open.failures.push(failure);
    open.status = 'failed';
    thread.open = undefined;
  }
  if (event.branchId === undefined && thread.last && reachedEnd) path.takenEdges.add(`${thread.last}->${endId}`);
}
