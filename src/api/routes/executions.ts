/** Routes on executions: start (under its workflow), list, describe, history, stop, redrive. */
import {
  describeExecution,
  executionHistory,
  identityRecord,
  listExecutions,
  redriveExecution,
  startExecution,
  stopExecution,
  waitForExecution,
} from '../../service/index.ts';
import type { Json } from '../../shared/index.ts';
import { defineRoute, type Route } from '../route.ts';
import {
  executionInput,
  executionPage,
  executionParams,
  executionView,
  failureBody,
  historyPage,
  historyQuery,
  listExecutionsQuery,
  startHeaders,
  startQuery,
  workflowParams,
} from '../schemas.ts';

const start = defineRoute({
  method: 'post', path: '/v1/workflows/{name}/executions', operationId: 'startExecution', tag: 'executions', auth: { start: 'path.name' },
  summary: 'Start an execution of a workflow with the body as input',
  params: workflowParams,
  query: startQuery,
  headers: startHeaders,
  body: { schema: executionInput, required: false, description: 'The execution input (any JSON; an empty body is {})' },
  responses: {
    201: { description: 'Started (without wait)', schema: executionView },
    200: { description: 'Without wait: an execution with this idempotency key or name already existed. With wait: the execution ended in time', schema: executionView },
    202: { description: 'With wait: still RUNNING when the time was up', schema: executionView },
  },
  errors: ['WORKFLOW_NOT_FOUND', 'WORKFLOW_ARCHIVED', 'CONFLICT', 'IDEMPOTENCY_KEY_REUSED'],
  async handle({ context, deps, params, query, headers, body, identity }) {
    const { created, ...view } = await startExecution(deps, {
      workflow: params.name, input: body as Json, name: query.name, idempotencyKey: headers['Idempotency-Key'],
      identity: identity ? identityRecord(identity) : undefined, traceparent: headers.traceparent,
    });
    context.header('Location', `/v1/executions/${view.executionId}`);
    if (query.wait === undefined) return context.json(view, created ? 201 : 200);
    const latest = await waitForExecution(deps, view.executionId, query.wait * 1000);
    return context.json(latest, latest.status === 'RUNNING' ? 202 : 200);
  },
});

const list = defineRoute({
  method: 'get', path: '/v1/executions', operationId: 'listExecutions', tag: 'executions', auth: 'read',
  summary: 'List executions, newest first, a page at a time; starts flow control holds are listed too (held=true: only them)',
  query: listExecutionsQuery,
  queryPatterns: (['input', 'output'] as const).map((column) => ({
    name: `${column}.<path>`,
    description: `Only executions whose ${column} has this value at this field path (1 to 8 names joined by dots; repeat for several fields, all must match). `
      + 'A value that reads as a JSON number, true, false, null or a "quoted string" is that JSON value, any other text a string. '
      + `Served by a GIN index (${column} @> {...}).`,
    example: column === 'input' ? 'input.user.email=a@b.com' : 'output.status=shipped',
  })),
  responses: { 200: { description: 'A page of executions', schema: executionPage } },
  errors: ['PAGE_LIMIT_EXCEEDED'],
  async handle({ context, deps, query }) {
    return context.json(await listExecutions(deps, query), 200);
  },
});

const describe = defineRoute({
  method: 'get', path: '/v1/executions/{id}', operationId: 'describeExecution', tag: 'executions', auth: 'read',
  summary: 'Describe an execution: status, input, output or error',
  params: executionParams,
  responses: { 200: { description: 'The execution', schema: executionView } },
  errors: ['EXECUTION_NOT_FOUND'],
  async handle({ context, deps, params }) {
    return context.json(await describeExecution(deps, params.id), 200);
  },
});

const history = defineRoute({
  method: 'get', path: '/v1/executions/{id}/history', operationId: 'executionHistory', tag: 'executions', auth: 'read',
  summary: 'The history of an execution and its branches, in time order',
  params: executionParams,
  query: historyQuery,
  responses: { 200: { description: 'The history events', schema: historyPage } },
  errors: ['EXECUTION_NOT_FOUND', 'PAGE_LIMIT_EXCEEDED'],
  async handle({ context, deps, params, query }) {
    return context.json({ items: await executionHistory(deps, params.id, query) }, 200);
  },
});

const stop = defineRoute({
  method: 'post', path: '/v1/executions/{id}/stop', operationId: 'stopExecution', tag: 'executions', auth: 'admin',
  summary: 'Stop a running execution (ABORTED) with the executions it started and the runs they scheduled; or a start flow control holds',
  params: executionParams,
  body: { schema: failureBody, required: false, description: 'The error (default States.Aborted) and cause to record' },
  responses: { 200: { description: 'The stopped execution', schema: executionView } },
  errors: ['EXECUTION_NOT_FOUND', 'EXECUTION_NOT_RUNNING'],
  async handle({ context, deps, params, body }) {
    return context.json(await stopExecution(deps, params.id, body), 200);
  },
});

const redrive = defineRoute({
  method: 'post', path: '/v1/executions/{id}/redrive', operationId: 'redriveExecution', tag: 'executions', auth: 'admin',
  summary: 'Resume a FAILED, TIMED_OUT or ABORTED execution from the state where it ended',
  params: executionParams,
  responses: { 200: { description: 'The redriven execution', schema: executionView } },
  errors: ['EXECUTION_NOT_FOUND', 'CONFLICT'],
  async handle({ context, deps, params }) {
    return context.json(await redriveExecution(deps, params.id), 200);
  },
});

export const executionRoutes: Route[] = [start, list, describe, history, stop, redrive];
