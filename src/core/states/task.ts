import type { TaskState } from '../../asl/index.ts';
import { exceedsJsonBytes, type Json } from '../../shared/index.ts';
import { applyInputPath, finishWithResult, numberField } from '../io.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { maxPayloadBytes } from '../limits.ts';
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
  for (const timerId of [pending.timeoutTimer, pending.heartbeatTimer]) {
    if (timerId) turn.command({ type: 'cancelTimer', timerId });
  }
}

export const task: StateHandler<TaskState> = {
  async run(turn, state, name) {
    const raw = turn.snap.stateInput;
    const waitsForToken = state.Resource.endsWith(tokenSuffix);
    const resource = waitsForToken ? state.Resource.slice(0, -tokenSuffix.length) : state.Resource;
    // A `.sync` resource finishes when the work it started finishes, and an activity when a worker
    // answers: both answer through a task token too.
    const taskToken = waitsForToken || syncSuffix.test(resource) || resource.startsWith('activity:') ? turn.env.newTaskToken() : null;
    const extra = taskToken ? { Task: { Token: taskToken } } : undefined;
    let input: Json;
    let effective = raw;
    if (turn.language(state) === 'JSONata') {
      input = state.Arguments === undefined ? raw : await evaluateJsonata(state.Arguments, turn.jsonataScope({ input: raw }, extra), 'Arguments');
    } else {
      effective = applyInputPath(turn, state, raw);
      input = state.Parameters === undefined ? effective : applyTemplate(state.Parameters, turn.templateScope(effective, extra));
    }
    const timeoutSeconds = await numberField(turn, state, raw, effective, state.TimeoutSeconds, state.TimeoutSecondsPath, 'TimeoutSeconds');
    const heartbeatSeconds = await numberField(turn, state, raw, effective, state.HeartbeatSeconds, state.HeartbeatSecondsPath, 'HeartbeatSeconds');
    const invocationId = turn.nextId('i');
    const now = turn.env.now;
    const timeoutTimer = timeoutSeconds === null ? null : turn.nextId('t');
    const heartbeatTimer = heartbeatSeconds === null ? null : turn.nextId('t');
    turn.snap.pending = { kind: 'task', invocationId, resource, input, timeoutTimer, heartbeatTimer, heartbeatSeconds, taskToken };
    turn.record('TaskScheduled', name, {
      resource: state.Resource,
      parameters: input,
      timeoutInSeconds: timeoutSeconds,
      heartbeatInSeconds: heartbeatSeconds,
    });
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
    });
    if (timeoutTimer) turn.command({ type: 'wakeAt', timerId: timeoutTimer, at: now + timeoutSeconds! * 1000, purpose: 'timeout' });
    if (heartbeatTimer) turn.command({ type: 'wakeAt', timerId: heartbeatTimer, at: now + heartbeatSeconds! * 1000, purpose: 'heartbeat' });
    return suspended;
  },

  async resume(turn, state, name, event): Promise<Outcome> {
    const pending = turn.snap.pending;
    if (pending?.kind !== 'task') return suspended;
    if (event.type === 'taskSucceeded' && event.invocationId === pending.invocationId) {
      clearTimers(turn);
      turn.snap.pending = null;
      if (exceedsJsonBytes(event.output, maxPayloadBytes)) {
        const cause = `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`;
        turn.record('TaskFailed', name, { resource: state.Resource, error: 'States.DataLimitExceeded', cause });
        return { kind: 'failed', failure: { error: 'States.DataLimitExceeded', cause } };
      }
      turn.record('TaskSucceeded', name, { resource: state.Resource, output: event.output });
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
