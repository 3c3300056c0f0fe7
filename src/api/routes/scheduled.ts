/**
 * Routes of the scheduler: schedule a run or a list (under its workflow), the Scheduler view, describe,
 * cancel (one, by filter, all), run now, and a batch with its counters.
 */
import { z } from 'zod';
import {
  cancelScheduled,
  cancelScheduledBy,
  describeScheduledRun,
  getBatch,
  identityRecord,
  listScheduled,
  runNow,
  scheduledItemKinds,
  scheduleList,
  scheduleRun,
  type ScheduledItemKind,
} from '../../service/index.ts';
import { EngineError, isEngineError, type Json, type JsonObject } from '../../shared/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { components, pageLimit, startHeaders, workflowParams } from '../schemas.ts';

const time = (what: string) => z.string().min(1).describe(`${what}: an RFC 3339 time with an offset, e.g. 2030-01-31T09:00:00Z`);
const listOnly = ['startAt', 'intervalSeconds', 'ordering', 'onComplete'] as const;
const singleOnly = ['input', 'at', 'delaySeconds'] as const;

const scheduleBody = z.strictObject({
  input: z.unknown().optional().describe('One run: its input (default {}), checked against the workflow parameters'),
  at: time('One run: when it starts').optional(),
  delaySeconds: z.number().min(0).optional().describe('One run: seconds from now until it starts'),
  items: z.array(z.unknown()).min(1).optional()
    .describe('A list: one run per item, the item being its input (1 to limits.maxListItems items, 100 000 by default; more: 400 LIST_TOO_LONG), each checked against the parameters'),
  startAt: time('A list: when item 0 is due (default now)').optional(),
  intervalSeconds: z.number().min(0).optional().describe('A list (required): seconds between consecutive items (0: all at once)'),
  ordering: z.enum(['parallel', 'sequential']).optional()
    .describe('A list: parallel (default) starts each item at its time; sequential also waits for the item before to end'),
  onComplete: z.strictObject({
    workflow: z.string().min(1).describe('Started once when every item has ended or was cancelled'),
    input: z.record(z.string(), z.unknown()).optional().describe('Its input; a "batch" field with the counters is added'),
  }).optional(),
}).superRefine((body, ctx) => {
  const given = (field: string) => (body as Record<string, unknown>)[field] !== undefined;
  if (body.items !== undefined) {
    for (const field of singleOnly.filter(given)) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is for one run; a list gives items, startAt and intervalSeconds` });
    if (body.intervalSeconds === undefined) ctx.addIssue({ code: 'custom', path: ['intervalSeconds'], message: 'intervalSeconds is required with items (0 starts them all at once)' });
    return;
  }
  for (const field of listOnly.filter(given)) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is for a list of items` });
  if (body.at === undefined && body.delaySeconds === undefined) ctx.addIssue({ code: 'custom', path: ['at'], message: 'give at (an RFC 3339 time) or delaySeconds, or items for a list' });
  if (body.at !== undefined && body.delaySeconds !== undefined) ctx.addIssue({ code: 'custom', path: ['delaySeconds'], message: 'give at or delaySeconds, not both' });
});

const scheduledRunCreated = z.object({ scheduledRunId: z.string(), dueAt: z.string() }).register(components, { id: 'ScheduledRunCreated' });
const batchCreated = z.object({
  batchId: z.string(), count: z.number().int(), firstDueAt: z.string().nullable(), lastDueAt: z.string().nullable(),
}).register(components, { id: 'ScheduledBatchCreated' });

const scheduledRun = z.object({
  scheduledRunId: z.string(), workflow: z.string(), status: z.enum(['SCHEDULED', 'STARTED', 'CANCELLED']),
  dueAt: z.string().describe('The time the run was scheduled for; run-now leaves it as it was'),
  runNowAt: z.string().nullable().describe('When run-now made the run due ahead of dueAt (null: it waited for its time); startedAt says when it ran'),
  input: z.unknown(),
  batchId: z.string().nullable(), itemIndex: z.number().int().nullable(), executionId: z.string().nullable(),
  endedStatus: z.string().nullable().describe('How the started execution ended, once it has'),
  error: z.string().nullable().describe('Why the start was refused (the run is then CANCELLED)'),
  parentId: z.string().nullable().describe('The execution that scheduled it with workflow:start'),
  createdAt: z.string(), startedAt: z.string().nullable(), cancelledAt: z.string().nullable(),
}).register(components, { id: 'ScheduledRun' });

const scheduledItem = z.object({
  kind: z.enum(scheduledItemKinds),
  id: z.string().describe('scheduled-run: the run; wait: the sleeping execution or branch; task-token: <row>:<invocation>; cron: the schedule; held: the execution id the start has; unserved: <row>:<invocation>'),
  workflow: z.string(),
  dueAt: z.string().nullable().describe('Due time, wake time, token expiry (null: never), next fire, or the end of a held start\'s debounce window (null: when a slot frees); null for unserved (when a worker that serves the resource starts)'),
  input: z.unknown().describe("What waits: the run's or execution's input; in a Parallel branch or Map iteration, the branch's own input (its item)"),
  branch: z.object({
    type: z.enum(['Map', 'Parallel']),
    stateName: z.string().describe('The Map or Parallel state'),
    index: z.number().int().describe('The Map index of the item, or the Parallel branch index'),
  }).optional().describe('wait and task-token inside a Map iteration or Parallel branch (the innermost when nested)'),
  executionId: z.string().optional(),
  stateName: z.string().nullable().optional(),
  batchId: z.string().nullable().optional(),
  itemIndex: z.number().int().nullable().optional(),
  key: z.string().nullable().optional(),
  reason: z.string().optional().describe("held: why flow control holds the start; stop it with POST /v1/executions/{executionId}/stop. unserved: waiting for a worker that serves 'render'"),
  resource: z.string().optional().describe('unserved: the resource the Task calls, which no running worker serves'),
  waitingSince: z.string().optional().describe('unserved: since when the Task waits (the order of these items)'),
}).register(components, { id: 'ScheduledItem' });
const scheduledPage = z.object({ items: z.array(scheduledItem), nextCursor: z.string().nullable() }).register(components, { id: 'ScheduledPage' });

const batch = z.object({
  batchId: z.string(), workflow: z.string(), ordering: z.enum(['parallel', 'sequential']), intervalSeconds: z.number(), startAt: z.string(),
  total: z.number().int(), scheduled: z.number().int(), started: z.number().int(), running: z.number().int(), succeeded: z.number().int(),
  failed: z.number().int(), cancelled: z.number().int(), done: z.boolean(),
  onComplete: z.object({ workflow: z.string(), startedAt: z.string().nullable(), executionId: z.string().nullable(), error: z.string().nullable() }).nullable(),
  createdAt: z.string(),
}).register(components, { id: 'Batch' });

const idParams = z.strictObject({ id: z.string().describe('A scheduled run id (or, for run-now, an execution id)') });

/** `input.<field>=<value>` query parameters: the value as JSON when it parses, else as a string; dots nest. */
function inputFilter(query: Record<string, unknown>): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const [name, raw] of Object.entries(query)) {
    if (!name.startsWith('input.') || typeof raw !== 'string') continue;
    let value: Json;
    try {
      value = JSON.parse(raw) as Json;
    } catch {
      value = raw;
    }
    const path = name.slice('input.'.length).split('.');
    out ??= {};
    let node = out;
    for (const key of path.slice(0, -1)) node = (node[key] = (typeof node[key] === 'object' && node[key] !== null ? node[key] : {}) as JsonObject);
    node[path[path.length - 1]] = value;
  }
  return out;
}

const listQuery = z.looseObject({
  workflow: z.string().min(1).optional().describe('Only this workflow'),
  batchId: z.string().min(1).optional().describe('Only the runs of this batch'),
  before: time('Only what is due before this time').optional(),
  after: time('Only what is due at or after this time').optional(),
  kind: z.string().min(1).optional().describe(`Only these kinds, comma-separated: ${scheduledItemKinds.join(', ')}`),
  limit: pageLimit(50),
  cursor: z.string().min(1).optional().describe('The nextCursor of the previous page'),
}).superRefine((query, ctx) => {
  for (const name of Object.keys(query)) {
    if (['workflow', 'batchId', 'before', 'after', 'kind', 'limit', 'cursor'].includes(name)) continue;
    if (!/^input\.[^.]+(\.[^.]+)*$/.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is not a known parameter (filter on input fields with input.<field>=<value>)` });
  }
  for (const kind of query.kind?.split(',') ?? []) {
    if (!(scheduledItemKinds as readonly string[]).includes(kind)) ctx.addIssue({ code: 'custom', path: ['kind'], message: `${kind} is not one of ${scheduledItemKinds.join(', ')}` });
  }
});

const cancelBody = z.strictObject({
  workflow: z.string().min(1).optional(),
  batchId: z.string().min(1).optional(),
  before: time('Runs due before this time').optional(),
  after: time('Runs due at or after this time').optional(),
  input: z.record(z.string(), z.unknown()).optional().describe('Runs whose input contains this JSON, e.g. {"user_id": 42}'),
  all: z.literal(true).optional().describe('true, alone: cancel every scheduled run'),
}).superRefine((body, ctx) => {
  const filtered = Object.entries(body).some(([name, value]) => name !== 'all' && value !== undefined);
  if (!filtered && body.all !== true) ctx.addIssue({ code: 'custom', path: ['all'], message: 'an empty filter cancels nothing: give a filter, or all: true to cancel every scheduled run' });
  if (filtered && body.all === true) ctx.addIssue({ code: 'custom', path: ['all'], message: 'all: true cancels every scheduled run and takes no filter' });
});

/** The service points at a bad field (`/items/3/user_id`); the API names it where the client wrote it (`body.items.3.user_id`). */
async function inBody<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const problems = isEngineError(e) && e.code === 'INPUT_INVALID' ? (e.details as { problems?: Array<{ pointer?: string; message: string }> } | undefined)?.problems : undefined;
    if (!problems) throw e;
    const details = { ...((e as EngineError).details as object), problems: problems.map((p) => ({ path: ['body', ...(p.pointer ?? '').split('/').filter(Boolean)].join('.'), message: p.message })) };
    throw new EngineError('INPUT_INVALID', (e as EngineError).message, { details, cause: e });
  }
}

const schedule = defineRoute({
  method: 'post', path: '/v1/workflows/{name}/schedule', operationId: 'scheduleRuns', tag: 'scheduled', auth: { start: 'path.name' },
  summary: 'Schedule one run (at a time or after a delay) or one run per item of a list',
  params: workflowParams,
  headers: startHeaders,
  body: { schema: scheduleBody, required: true, description: '{input, at | delaySeconds} for one run; {items, startAt?, intervalSeconds, ordering?, onComplete?} for a list' },
  responses: {
    201: { description: 'Scheduled: the run (one) or the batch (a list)', schema: z.union([scheduledRunCreated, batchCreated]) },
    200: { description: 'A run or batch with this Idempotency-Key existed already', schema: z.union([scheduledRunCreated, batchCreated]) },
  },
  errors: ['WORKFLOW_NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'LIST_TOO_LONG', 'IDEMPOTENCY_KEY_REUSED'],
  async handle({ context, deps, params, headers, body, identity }) {
    const common = { workflow: params.name, idempotencyKey: headers['Idempotency-Key'], ...(identity ? { identity: identityRecord(identity) } : {}) };
    if (body.items !== undefined) {
      const { created, ...batchView } = await inBody(() => scheduleList(deps, {
        ...common, items: body.items as Json[], startAt: body.startAt, intervalSeconds: body.intervalSeconds ?? 0, ordering: body.ordering,
        onComplete: body.onComplete as { workflow: string; input?: JsonObject } | undefined,
      }));
      context.header('Location', `/v1/batches/${batchView.batchId}`);
      return context.json(batchView, created ? 201 : 200);
    }
    const { created, ...run } = await inBody(() => scheduleRun(deps, { ...common, input: (body.input ?? {}) as Json, at: body.at, delaySeconds: body.delaySeconds }));
    context.header('Location', `/v1/scheduled/${run.scheduledRunId}`);
    return context.json(run, created ? 201 : 200);
  },
});

const list = defineRoute({
  method: 'get', path: '/v1/scheduled', operationId: 'listScheduled', tag: 'scheduled', auth: 'read',
  summary: 'The Scheduler: scheduled runs, Waits, task-token waits, cron fires and held starts, in due order; input.<field>=<value> filters on input fields',
  query: listQuery,
  responses: { 200: { description: 'A page of what is due', schema: scheduledPage } },
  errors: ['BATCH_NOT_FOUND', 'PAGE_LIMIT_EXCEEDED'],
  async handle({ context, deps, query }) {
    const kinds = query.kind?.split(',') as ScheduledItemKind[] | undefined;
    const page = await listScheduled(deps, { ...query, kinds, inputContains: inputFilter(context.req.query()) });
    return context.json(page, 200);
  },
});

const describe = defineRoute({
  method: 'get', path: '/v1/scheduled/{id}', operationId: 'describeScheduledRun', tag: 'scheduled', auth: 'read',
  summary: 'Describe a scheduled run: due time, status, the execution it started',
  params: idParams,
  responses: { 200: { description: 'The scheduled run', schema: scheduledRun } },
  errors: ['SCHEDULED_RUN_NOT_FOUND'],
  async handle({ context, deps, params }) {
    return context.json(await describeScheduledRun(deps, params.id), 200);
  },
});

const cancelOne = defineRoute({
  method: 'delete', path: '/v1/scheduled/{id}', operationId: 'cancelScheduledRun', tag: 'scheduled', auth: 'admin',
  summary: 'Cancel a scheduled run (an execution sleeping in a Wait is stopped instead: POST /v1/executions/{id}/stop)',
  params: idParams,
  responses: { 200: { description: 'The cancelled run', schema: scheduledRun } },
  errors: ['SCHEDULED_RUN_NOT_FOUND', 'CONFLICT'],
  async handle({ context, deps, params }) {
    return context.json(await cancelScheduled(deps, params.id), 200);
  },
});

const cancelMany = defineRoute({
  method: 'post', path: '/v1/scheduled/cancel', operationId: 'cancelScheduledRuns', tag: 'scheduled', auth: 'admin',
  summary: 'Cancel the scheduled runs a filter selects (workflow, batch, time range, input fields), or all of them',
  body: { schema: cancelBody, required: true, description: 'A filter, or {all: true}' },
  responses: { 200: { description: 'How many runs were cancelled', schema: z.object({ cancelled: z.number().int() }) } },
  errors: ['BATCH_NOT_FOUND'],
  async handle({ context, deps, body }) {
    const { input, ...filter } = body;
    return context.json(await inBody(() => cancelScheduledBy(deps, { ...filter, inputContains: input as JsonObject | undefined })), 200);
  },
});

const runNowRoute = defineRoute({
  method: 'post', path: '/v1/scheduled/{id}/run-now', operationId: 'runScheduledNow', tag: 'scheduled', auth: 'admin',
  summary: 'Start a scheduled run now, or wake an execution (and its branches) sleeping in a Wait',
  params: idParams,
  responses: {
    200: {
      description: 'What was made due now',
      schema: z.object({ id: z.string(), kind: z.enum(['scheduled-run', 'wait']), woken: z.array(z.string()).describe('Runs or sleeping rows made due now') }),
    },
  },
  errors: ['SCHEDULED_RUN_NOT_FOUND', 'CONFLICT'],
  async handle({ context, deps, params }) {
    return context.json(await runNow(deps, params.id), 200);
  },
});

const describeBatch = defineRoute({
  method: 'get', path: '/v1/batches/{id}', operationId: 'describeBatch', tag: 'scheduled', auth: 'read',
  summary: 'A scheduled list with its live counters and on-complete workflow',
  params: z.strictObject({ id: z.string().describe('The batch id') }),
  responses: { 200: { description: 'The batch', schema: batch } },
  errors: ['BATCH_NOT_FOUND'],
  async handle({ context, deps, params }) {
    return context.json(await getBatch(deps, params.id), 200);
  },
});

export const scheduledRoutes: Route[] = [schedule, list, describe, cancelOne, cancelMany, runNowRoute, describeBatch];
