/**
 * `activity:<name>`: the work is done by an external worker, in any language, that polls
 * `POST /v1/activities/<name>/poll`. Calling the resource only queues the task with its token; the
 * state then waits for the worker's answer to that token (success, failure, heartbeats), bounded by
 * its TimeoutSeconds and HeartbeatSeconds.
 */
import type { Json } from '../shared/index.ts';
import type { ResourceFamily } from './registry.ts';
import { TaskFailure } from './resource.ts';

export const activityPrefix = 'activity:';

/** One task for a worker: what it is given when it polls, and the token it answers with. */
export interface ActivityTask {
  activity: string;
  taskToken: string;
  input: Json;
  executionId: string;
  stateName: string;
}

/** Stores a task for the workers of its activity. Called at least once per task: a repeat must be a no-op. */
export type EnqueueActivityTask = (task: ActivityTask) => Promise<void>;

/** The handlers of every `activity:<name>`, for `registry.registerPrefix(activityPrefix, …)`. */
export function createActivityResource(enqueue: EnqueueActivityTask): ResourceFamily {
  return (resource) => {
    const activity = resource.slice(activityPrefix.length);
    return async (input, context) => {
      // The core gives every activity state a token; without one no worker could ever answer.
      if (context.taskToken === null) throw new TaskFailure('States.Runtime', `${resource} was called without a task token`);
      await enqueue({ activity, taskToken: context.taskToken, input, executionId: context.executionId, stateName: context.stateName });
      // Ignored: the state waits for the worker's answer to the token, not for this value.
      return null;
    };
  };
}
