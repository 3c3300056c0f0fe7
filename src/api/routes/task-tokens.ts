/** Routes on task tokens: answer a `.waitForTaskToken` task with success or failure, or keep it alive. */
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from '../../service/index.ts';
import type { Json } from '../../shared/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { failureBody, taskSuccessBody, taskTokenAnswer, taskTokenParams } from '../schemas.ts';

const answered = { 200: { description: 'The token was accepted; the execution goes on', schema: taskTokenAnswer } };
const refusals = ['TASK_TOKEN_NOT_FOUND', 'TASK_TOKEN_USED', 'TASK_TOKEN_EXPIRED'] as const;

export const taskTokenRoutes: Route[] = [
  defineRoute({
    method: 'post', path: '/v1/task-tokens/{token}/success', operationId: 'sendTaskSuccess', tag: 'task-tokens', auth: 'tasks',
    summary: 'Complete the waiting task with an output',
    params: taskTokenParams,
    body: { schema: taskSuccessBody, required: true, description: 'The task output' },
    responses: answered,
    errors: [...refusals],
    async handle({ context, deps, params, body }) {
      return context.json(await sendTaskSuccess(deps, params.token, body.output as Json), 200);
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/task-tokens/{token}/failure', operationId: 'sendTaskFailure', tag: 'task-tokens', auth: 'tasks',
    summary: 'Fail the waiting task (its Retry and Catch apply)',
    params: taskTokenParams,
    body: { schema: failureBody, required: false, description: 'The error name (default States.TaskFailed) and cause' },
    responses: answered,
    errors: [...refusals],
    async handle({ context, deps, params, body }) {
      return context.json(await sendTaskFailure(deps, params.token, body), 200);
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/task-tokens/{token}/heartbeat', operationId: 'sendTaskHeartbeat', tag: 'task-tokens', auth: 'tasks',
    summary: 'Tell the waiting task its worker is alive (restarts its HeartbeatSeconds)',
    params: taskTokenParams,
    responses: answered,
    errors: [...refusals],
    async handle({ context, deps, params }) {
      return context.json(await sendTaskHeartbeat(deps, params.token), 200);
    },
  }),
];
