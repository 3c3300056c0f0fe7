/**
 * The interpreter: step(machine, snapshot, event, env) → next snapshot, history events, commands.
 * Pure: no clock, no timers, no I/O; time and randomness arrive in `env`. One call runs states until
 * the machine must wait (a task, a timer, children) or ends. step() takes ownership of the snapshot
 * it is handed and returns the one to keep.
 */
import type { State, StateType } from '../asl/index.ts';
import { exceedsJsonBytes } from '../shared/index.ts';
import type { Json } from '../shared/index.ts';
import { handleFailure } from './catch.ts';
import { StatesError, type Failure } from './failure.ts';
import { maxPayloadBytes } from './limits.ts';
import type { Machine } from './machine.ts';
import { andThen, type Maybe } from './maybe.ts';
import type { ExecutionStatus, Snapshot, StepEnv, StepEvent, StepResult } from './model.ts';
import { suspended, type InlineChildren, type Outcome } from './outcome.ts';
import { runChildrenInline } from './states/children.ts';
import { stateHandlers } from './states/index.ts';
import { Turn } from './turn.ts';

const stateTypes: StateType[] = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];
/** Event names by state type, built once (a template string per transition showed in profiles). */
const enteredEvent = Object.fromEntries(stateTypes.map((t) => [t, `${t}StateEntered`])) as Record<StateType, string>;
const exitedEvent = Object.fromEntries(stateTypes.map((t) => [t, `${t}StateExited`])) as Record<StateType, string>;

export function step(machine: Machine, snapshot: Snapshot | null, event: StepEvent, env: StepEnv): Maybe<StepResult> {
  if (event.type === 'start') return start(machine, event, env);
  if (!snapshot) throw new Error(`step: a '${event.type}' event needs a snapshot`);
  if (event.type === 'redrive') return redrive(machine, snapshot, env);
  if (snapshot.status !== 'RUNNING') return { snapshot, events: [], commands: [] };
  // step() owns the snapshot it is handed (see above): no copy, it is advanced in place.
  const turn = new Turn(machine, snapshot, env);
  return advance(turn, dispatch(turn, event));
}

function start(machine: Machine, event: Extract<StepEvent, { type: 'start' }>, env: StepEnv): Maybe<StepResult> {
  const machineId = event.machineId ?? '';
  const snap: Snapshot = {
    machineId,
    status: 'RUNNING',
    stateName: null,
    stateInput: event.input,
    enteredAt: env.now,
    attempt: 0,
    retryCounts: [],
    entries: {},
    vars: {},
    outerVars: event.outerVars ?? {},
    redriveCount: 0,
    pending: null,
    seq: 0,
    transitions: 0,
    executionTimer: null,
  };
  const turn = new Turn(machine, snap, env);
  if (turn.history) turn.record('ExecutionStarted', null, { input: event.input });
  if (exceedsJsonBytes(event.input, maxPayloadBytes)) {
    finish(turn, 'FAILED', { error: 'States.DataLimitExceeded', cause: 'The execution input exceeds the 256 KiB limit.' });
    return turn.result();
  }
  if (machineId === '' && machine.timeoutSeconds !== null) {
    snap.executionTimer = turn.nextId('t');
    turn.command({ type: 'wakeAt', timerId: snap.executionTimer, at: env.now + machine.timeoutSeconds * 1000, purpose: 'execution-timeout' });
  }
  return advance(turn, enter(turn, turn.sub.StartAt, event.input));
}

/**
 * Redrive: the machine runs again from the state where it stopped, with that state's input; what
 * ran before is kept. A Parallel or Map state runs all its branches again.
 */
function redrive(machine: Machine, snapshot: Snapshot, env: StepEnv): Maybe<StepResult> {
  if (snapshot.status === 'RUNNING' || snapshot.status === 'SUCCEEDED' || snapshot.stateName === null) {
    return { snapshot, events: [], commands: [] };
  }
  const redriveCount = snapshot.redriveCount + 1;
  // The attempt goes on counting, so the redriven call gets an idempotency key of its own.
  const snap: Snapshot = { ...snapshot, status: 'RUNNING', redriveCount, pending: null, attempt: snapshot.attempt + 1, retryCounts: [] };
  delete snap.error;
  delete snap.cause;
  const turn = new Turn(machine, snap, env);
  turn.record('ExecutionRedriven', null, { redriveCount });
  if (snap.machineId === '' && machine.timeoutSeconds !== null) {
    snap.executionTimer = turn.nextId('t');
    turn.command({ type: 'wakeAt', timerId: snap.executionTimer, at: env.now + machine.timeoutSeconds * 1000, purpose: 'execution-timeout' });
  }
  const name = snap.stateName as string;
  turn.record(enteredEvent[turn.state(name).Type], name, { input: snap.stateInput });
  return advance(turn, run(turn));
}

/** Drives the turn from its first outcome; synchronous unless some state evaluated JSONata. */
function advance(turn: Turn, first: Maybe<Outcome>): Maybe<StepResult> {
  const done = first instanceof Promise ? first.then((outcome) => drive(turn, outcome)) : drive(turn, first);
  return done instanceof Promise ? done.then(() => turn.result()) : turn.result();
}

function dispatch(turn: Turn, event: StepEvent): Maybe<Outcome> {
  const { snap } = turn;
  if (event.type === 'stop') {
    finish(turn, event.status ?? 'ABORTED', { error: event.error ?? 'States.Aborted', cause: event.cause ?? 'The execution was stopped.' });
    return suspended;
  }
  if (event.type === 'timerFired' && event.timerId === snap.executionTimer) {
    snap.executionTimer = null;
    finish(turn, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds.' });
    return suspended;
  }
  const pending = snap.pending;
  if (event.type === 'continue') {
    if (pending?.kind !== 'enter' || snap.stateName === null) return suspended;
    snap.pending = null;
    return enter(turn, snap.stateName, snap.stateInput);
  }
  if (event.type === 'timerFired' && pending?.kind === 'retry' && pending.timerId === event.timerId) {
    snap.pending = null;
    snap.attempt += 1;
    return run(turn);
  }
  if (snap.stateName === null) return suspended;
  const state = turn.state(snap.stateName);
  const resume = stateHandlers[state.Type].resume;
  if (!resume) return suspended;
  try {
    return caught(resume(turn, state, snap.stateName, event));
  } catch (e) {
    return asFailed(e);
  }
}

function enter(turn: Turn, name: string, input: Json): Maybe<Outcome> {
  const { snap } = turn;
  snap.stateName = name;
  snap.stateInput = input;
  snap.enteredAt = turn.env.now;
  snap.attempt = 0;
  if (snap.retryCounts.length > 0) snap.retryCounts = [];
  snap.entries[name] = (snap.entries[name] ?? 0) + 1;
  if (turn.history) turn.record(enteredEvent[turn.state(name).Type], name, { input });
  return run(turn);
}

function run(turn: Turn): Maybe<Outcome> {
  const name = turn.snap.stateName as string;
  const state = turn.state(name);
  try {
    return caught(stateHandlers[state.Type].run(turn, state, name));
  } catch (e) {
    return asFailed(e);
  }
}

/** Evaluation code throws StatesError, now or in a rejected promise; here it becomes data again. */
function caught(outcome: Maybe<Outcome>): Maybe<Outcome> {
  return outcome instanceof Promise ? outcome.catch(asFailed) : outcome;
}

function asFailed(e: unknown): Outcome {
  if (e instanceof StatesError) return { kind: 'failed', failure: e.toFailure() };
  throw e;
}

/** A state failed: its Retry or Catch applies; a failure they do not handle fails the machine. */
function recover(turn: Turn, state: State, failure: Failure): Maybe<Outcome> {
  let outcome: Maybe<Outcome>;
  try {
    outcome = caught(handleFailure(turn, state, failure));
  } catch (e) {
    outcome = asFailed(e);
  }
  return andThen(outcome, unhandled);
}

/** Children that cannot wait run now, each through step() (see inline.ts); then the state goes on. */
function runInline(turn: Turn, state: State, name: string, children: InlineChildren): Maybe<Outcome> {
  try {
    return caught(runChildrenInline(turn, state, name, children, step));
  } catch (e) {
    return asFailed(e);
  }
}

function unhandled(outcome: Outcome): Outcome {
  return outcome.kind === 'failed' ? { kind: 'failMachine', failure: outcome.failure } : outcome;
}

function drive(turn: Turn, first: Outcome): Maybe<void> {
  const { snap } = turn;
  let outcome = first;
  for (;;) {
    if (outcome.kind === 'suspended') return;
    if (outcome.kind === 'failMachine') return finish(turn, 'FAILED', outcome.failure);
    const name = snap.stateName as string;
    const state = turn.state(name);
    let next: Maybe<Outcome>;
    if (outcome.kind === 'failed') {
      next = recover(turn, state, outcome.failure);
    } else if (outcome.kind === 'inline') {
      next = runInline(turn, state, name, outcome.children);
    } else {
      if (turn.history) turn.record(exitedEvent[state.Type], name, { output: outcome.output });
      if (outcome.kind === 'succeedMachine') return complete(turn, outcome.output);
      if (outcome.assign) snap.vars = { ...snap.vars, ...outcome.assign };
      if (outcome.next === null) return complete(turn, outcome.output);
      snap.transitions += 1;
      if (snap.transitions >= turn.budget) return yieldAt(turn, outcome.next, outcome.output);
      next = enter(turn, outcome.next, outcome.output);
    }
    if (next instanceof Promise) return next.then((later) => drive(turn, later));
    outcome = next;
  }
}

/** The step's transition budget is spent: stop before `name` and ask to be continued. */
function yieldAt(turn: Turn, name: string, input: Json): void {
  turn.snap.stateName = name;
  turn.snap.stateInput = input;
  turn.snap.pending = { kind: 'enter' };
  turn.command({ type: 'continue' });
}

function complete(turn: Turn, output: Json): void {
  releasePending(turn);
  turn.snap.status = 'SUCCEEDED';
  turn.snap.output = output;
  if (turn.history) turn.record('ExecutionSucceeded', null, { output });
  turn.command({ type: 'complete', output });
}

const endEvents: Record<Exclude<ExecutionStatus, 'RUNNING' | 'SUCCEEDED'>, string> = {
  FAILED: 'ExecutionFailed',
  TIMED_OUT: 'ExecutionTimedOut',
  ABORTED: 'ExecutionAborted',
};

function finish(turn: Turn, status: 'FAILED' | 'TIMED_OUT' | 'ABORTED', failure: Failure): void {
  releasePending(turn);
  turn.snap.status = status;
  turn.snap.error = failure.error;
  if (failure.cause !== undefined) turn.snap.cause = failure.cause;
  turn.record(endEvents[status], turn.snap.stateName, { ...failure });
  turn.command({ type: 'fail', status, ...failure });
}

/** The machine ends: whatever it was waiting for is called off. */
function releasePending(turn: Turn): void {
  const { snap } = turn;
  const pending = snap.pending;
  if (pending?.kind === 'task') {
    turn.command({ type: 'cancelInvocation', invocationId: pending.invocationId, reason: 'the execution ended' });
    for (const timerId of [pending.timeoutTimer, pending.heartbeatTimer]) if (timerId) turn.command({ type: 'cancelTimer', timerId });
  } else if (pending?.kind === 'wait' || pending?.kind === 'retry') {
    turn.command({ type: 'cancelTimer', timerId: pending.timerId });
  } else if (pending?.kind === 'children') {
    turn.command({ type: 'cancelChildren', groupId: pending.groupId });
  }
  if (snap.executionTimer) turn.command({ type: 'cancelTimer', timerId: snap.executionTimer });
  snap.executionTimer = null;
  snap.pending = null;
}
