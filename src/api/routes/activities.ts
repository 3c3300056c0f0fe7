/**
 * Routes on activities: an external worker long-polls for the next task of `activity:<name>` and
 * answers it through the task-token routes (success, failure, heartbeat).
 */
import { z } from 'zod';
import { maxActivityWaitSeconds, pollActivity } from '../../service/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { components } from '../schemas.ts';

const activityParams = z.strictObject({
  name: z.string().min(1).max(256).describe('The activity name: what follows activity: in the Task\'s Resource'),
});

const pollBody = z.strictObject({
  workerName: z.string().min(1).max(80).optional().describe('Who polls: recorded on the task it takes (activity_tasks.claimed_by)'),
  waitSeconds: z.number().min(0).max(maxActivityWaitSeconds).optional()
    .describe(`Seconds (0 to ${maxActivityWaitSeconds}, default ${maxActivityWaitSeconds}) to wait for a task when there is none yet`),
});

const activityTask = z.object({
  taskToken: z.string().describe('Answer with it: POST /v1/task-tokens/{token}/success, /failure or /heartbeat'),
  input: z.unknown().describe('The state\'s effective parameters'),
}).register(components, { id: 'ActivityTask' });

export const activityRoutes: Route[] = [
  defineRoute({
    // The scope of the task-token routes: a worker's key polls and answers, and can do nothing else.
    method: 'post', path: '/v1/activities/{name}/poll', operationId: 'pollActivity', tag: 'activities', auth: 'tasks',
    summary: 'Take the next task of an activity, waiting for one up to waitSeconds',
    params: activityParams,
    body: { schema: pollBody, required: false, description: 'The worker\'s name and how long to wait (an empty body waits 20 seconds)' },
    responses: {
      200: { description: 'A task: do the work, then answer its token', schema: activityTask },
      204: { description: 'No task arrived within waitSeconds: poll again' },
    },
    errors: [],
    async handle({ context, deps, params, body }) {
      // The request's signal fires when the worker hangs up: no task is taken for it after that.
      const task = await pollActivity(deps, params.name, { ...body, signal: context.req.raw.signal });
      return task ? context.json(task, 200) : context.body(null, 204);
    },
  }),
];
