import type { TaskState } from '../../asl/index.ts';
import { exceedsJsonBytes, exceedsJsonDepth, maxJsonDepth, type Json } from '../../shared/index.ts';
import { authoredTextOf } from '../authored.ts';
import { applyInputPath, finishWithResult, numberFields } from '../io.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { maxPayloadBytes } from '../limits.ts';
import { andThen, type Maybe } from '../maybe.ts';
import { suspended, type Outcome } from '../outcome.ts';
import { applyTemplate } from '../template.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';

const tokenSuffix = '.waitForTaskToken';
const syncSuffix = /\.sync(:\d+)?$/;

/** Timers of the pending task are no longer wanted: tell the runtime, and forget them. */
function clearTimers(turn: Turn): void {
  const pending = turn.snap.pending;
  if (pending?.kind !== 'task') return;
  if (pending.timeoutTimer) turn.command({ type: 'cancelTimer', timerId: pending.timeoutTimer });
  if (pending.heartbeatTimer) turn.command({ type: 'cancelTimer', timerId: pending.heartbeatTimer });
}

/** TimeoutSeconds, then HeartbeatSeconds, in that order (either may be a JSONata expression). */
function scheduleWithTimeouts(turn: Turn, state: TaskState, name: string, call: Call): Maybe<Outcome> {
  const { TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath } = state;
  if (TimeoutSeconds === undefined && TimeoutSecondsPath === undefined && HeartbeatSeconds === undefined && HeartbeatSecondsPath === undefined) {
    return schedule(turn, state, name, call, null, null);
  }
  const fields = numberFields(turn, call.raw, call.effective, [
    [TimeoutSeconds, TimeoutSecondsPath, 'TimeoutSeconds'],
    [HeartbeatSeconds, HeartbeatSecondsPath, 'HeartbeatSeconds'],
  ]);
  return andThen(fields, ([timeoutSeconds, heartbeatSeconds]) => schedule(turn, state, name, call, timeoutSeconds, heartbeatSeconds));
}

/** The Task waits: one invoke, and a timer per timeout it has. */
function schedule(turn: Turn, state: TaskState, name: string, call: Call, timeoutSeconds: number | null, heartbeatSeconds: number | null): Outcome {
  const { resource, taskToken, input } = call;
  const invocationId = turn.nextId('i');
  const now = turn.env.now;
  const timeoutTimer = timeoutSeconds === null ? null : turn.nextId('t');
  const heartbeatTimer = heartbeatSeconds === null ? null : turn.nextId('t');
  turn.snap.pending = { kind: 'task', invocationId, resource, input, timeoutTimer, heartbeatTimer, heartbeatSeconds, taskToken };
  if (turn.history) {
    turn.record('TaskScheduled', name, { resource: state.Resource, parameters: input, timeoutInSeconds: timeoutSeconds, heartbeatInSeconds: heartbeatSeconds });
  }
  turn.command({
    type: 'invoke',
    invocationId,
    resource,
    input,
    stateName: name,
    entry: (turn.snap.entries[name] ?? 1) - 1,
    attempt: turn.snap.attempt,
    timeoutSeconds,
    heartbeatSeconds,
    taskToken,
    authored: authoredTextOf(state, turn.language(state)),
  });
  if (timeoutTimer) turn.command({ type: 'wakeAt', timerId: timeoutTimer, at: now + timeoutSeconds! * 1000, purpose: 'timeout' });
  if (heartbeatTimer) turn.command({ type: 'wakeAt', timerId: heartbeatTimer, at: now + heartbeatSeconds! * 1000, purpose: 'heartbeat' });
  return suspended;
}

/** What a Task needs to call its resource, once its input and its timeouts are known. */
interface Call {
  resource: string;
  taskToken: string | null;
  input: Json;
  /** The state's raw and effective input, for the timeout fields. */
  raw: Json;
  effective: Json;
}

export const task: StateHandler<TaskState> = {
  run(turn, state, name) {
    const raw = turn.snap.stateInput;
    const waitsForToken = state.Resource.endsWith(tokenSuffix);
    const resource = waitsForToken ? state.Resource.slice(0, -tokenSuffix.length) : state.Resource;
    // A `.sync` resource finishes when the work it started finishes, and an activity when a worker
    // answers: both answer through a task token too.
    const taskToken = waitsForToken || syncSuffix.test(resource) || resource.startsWith('activity:') ? turn.env.newTaskToken() : null;
    const extra = taskToken ? { Task: { Token: taskToken } } : undefined;
    if (turn.language(state) === 'JSONata') {
      const input = state.Arguments === undefined ? raw : evaluateJsonata(state.Arguments, turn.jsonataScope({ input: raw }, extra), 'Arguments');
      return andThen(input, (value) => scheduleWithTimeouts(turn, state, name, { resource, taskToken, input: value, raw, effective: raw }));
    }
    const effective = applyInputPath(turn, state, raw);
    const input = state.Parameters === undefined ? effective : applyTemplate(state.Parameters, turn.templateScope(effective, extra));
    return scheduleWithTimeouts(turn, state, name, { resource, taskToken, input, raw, effective });
  },

  resume(turn, state, name, event): Maybe<Outcome> {
    const pending = turn.snap.pending;
    if (pending?.kind !== 'task') return suspended;
    if (event.type === 'taskSucceeded' && event.invocationId === pending.invocationId) {
      clearTimers(turn);
      turn.snap.pending = null;
      // Depth first: the size check and everything after walk the result recursively.
      if (exceedsJsonDepth(event.output)) {
        const cause = `The state/task '${name}' returned a result nesting arrays and objects deeper than ${maxJsonDepth} levels.`;
        turn.record('TaskFailed', name, { resource: state.Resource, error: 'States.DataLimitExceeded', cause });
        return { kind: 'failed', failure: { error: 'States.DataLimitExceeded', cause } };
      }
      if (exceedsJsonBytes(event.output, maxPayloadBytes)) {
        const cause = `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`;
        turn.record('TaskFailed', name, { resource: state.Resource, error: 'States.DataLimitExceeded', cause });
        return { kind: 'failed', failure: { error: 'States.DataLimitExceeded', cause } };
      }
      if (turn.history) turn.record('TaskSucceeded', name, { resource: state.Resource, output: event.output });
      return finishWithResult(turn, state, turn.snap.stateInput, event.output);
    }
    if (event.type === 'taskFailed' && event.invocationId === pending.invocationId) {
      clearTimers(turn);
      turn.snap.pending = null;
      const failure = event.cause === undefined ? { error: event.error } : { error: event.error, cause: event.cause };
      turn.record('TaskFailed', name, { resource: state.Resource, ...failure });
      return { kind: 'failed', failure };
    }
    if (event.type === 'taskHeartbeat' && event.invocationId === pending.invocationId && pending.heartbeatTimer) {
      turn.command({ type: 'cancelTimer', timerId: pending.heartbeatTimer });
      const heartbeatTimer = turn.nextId('t');
      turn.snap.pending = { ...pending, heartbeatTimer };
      turn.command({ type: 'wakeAt', timerId: heartbeatTimer, at: turn.env.now + pending.heartbeatSeconds! * 1000, purpose: 'heartbeat' });
      return suspended;
    }
    if (event.type === 'timerFired' && (event.timerId === pending.timeoutTimer || event.timerId === pending.heartbeatTimer)) {
      const error = event.timerId === pending.timeoutTimer ? 'States.Timeout' : 'States.HeartbeatTimeout';
      const cause = error === 'States.Timeout' ? 'The task timed out.' : 'The task missed its heartbeat.';
      clearTimers(turn);
      turn.command({ type: 'cancelInvocation', invocationId: pending.invocationId, reason: error });
      turn.snap.pending = null;
      turn.record('TaskTimedOut', name, { resource: state.Resource, error, cause });
      return { kind: 'failed', failure: { error, cause } };
    }
    return suspended;
  },
};
