/** Routes on recurring schedules: create (upsert by key), list, describe, pause, resume, delete. */
import { z } from 'zod';
import {
  createSchedule,
  previewSchedule,
  deleteSchedule,
  describeSchedule,
  listSchedules,
  pauseSchedule,
  resumeSchedule,
} from '../../service/index.ts';
import { EngineError, isEngineError, type Json } from '../../shared/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { components, pageLimit } from '../schemas.ts';

const overlap = z.enum(['skip', 'allow', 'queue']);
const missed = z.enum(['skip', 'run_once']);

const scheduleParams = z.strictObject({ id: z.string().describe('The schedule id (a UUID)') });

const createBody = z.strictObject({
  workflow: z.string().min(1).describe('The workflow the schedule starts'),
  key: z.string().min(1).max(200).optional()
    .describe('External key, unique per workflow (e.g. user:42): creating a schedule with a key that exists updates it'),
  cron: z.string().min(1).optional().describe('A 5-field or 6-field (seconds first) cron expression, e.g. "0 9 * * MON"; or give every'),
  every: z.string().min(1).optional().describe('A fixed interval: 30s, 15m, 2h, 1d (or sums such as 1h30m); or give cron'),
  timezone: z.string().min(1).optional().describe('IANA timezone the cron expression is read in (default UTC)'),
  input: z.unknown().optional().describe('The input of every execution it starts (default {})'),
  overlap: overlap.optional().describe('While the previous execution runs: skip the tick, allow another, or queue it (default allow)'),
  missed: missed.optional().describe('After downtime: skip the missed ticks, or run_once for the whole missed period (default skip)'),
});

const listQuery = z.strictObject({
  workflow: z.string().min(1).optional().describe('Only schedules of this workflow'),
  key: z.string().min(1).optional().describe('Only the schedule with this external key'),
  limit: pageLimit(100),
  cursor: z.string().min(1).optional().describe('The nextCursor of the previous page'),
});

const describeQuery = z.strictObject({
  upcoming: z.coerce.number().int().min(0).max(100).optional().describe('How many next fire times to list, 0 to 100 (default 5)'),
});

const scheduleView = z.object({
  scheduleId: z.string(),
  workflow: z.string(),
  key: z.string().nullable(),
  source: z.enum(['file', 'api']).describe('file: declared in the workflow file; api: created through this API'),
  cron: z.string().nullable(),
  every: z.string().nullable(),
  timezone: z.string(),
  input: z.unknown(),
  paused: z.boolean(),
  overlap,
  missed,
  nextFireAt: z.string().nullable().describe('The pending tick; null while paused'),
  lastFireAt: z.string().nullable(),
  lastExecutionId: z.string().nullable(),
  lastError: z.string().nullable().describe('Why the last due tick started nothing, if it did not'),
  createdAt: z.string(),
  updatedAt: z.string(),
}).register(components, { id: 'Schedule' });

const scheduleDetail = scheduleView.extend({ upcoming: z.array(z.string()).describe('The next fire times') });
const schedulePreview = z.object({
  timezone: z.string().describe('The timezone the cron expression is read in'),
  upcoming: z.array(z.string()).describe('The next five fire times (RFC 3339, UTC)'),
}).register(components, { id: 'SchedulePreview' });
const schedulePage = z.object({ items: z.array(scheduleView), nextCursor: z.string().nullable() });

/** The service names a bad field by its name; the API names it where the client wrote it. */
async function inBody<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const problems = isEngineError(e) && e.code === 'INPUT_INVALID' ? (e.details as { problems?: Array<{ path?: string }> } | undefined)?.problems : undefined;
    if (!problems) throw e;
    const details = { problems: problems.map((p) => (p.path === undefined ? p : { ...p, path: `body.${p.path}` })) };
    throw new EngineError('INPUT_INVALID', (e as EngineError).message, { details, cause: e });
  }
}

const create = defineRoute({
  method: 'post', path: '/v1/schedules', operationId: 'createSchedule', tag: 'schedules', auth: 'admin',
  summary: 'Create a recurring schedule, or update the one with the same workflow and key',
  body: { schema: createBody, required: true, description: 'The schedule: workflow, cron or every, and options' },
  responses: {
    201: { description: 'Created', schema: scheduleView },
    200: { description: 'The workflow had a schedule with this key: updated', schema: scheduleView },
  },
  errors: ['WORKFLOW_NOT_FOUND', 'CONFLICT'],
  async handle({ context, deps, body }) {
    const { created, ...view } = await inBody(() => createSchedule(deps, { ...body, input: body.input as Json | undefined }));
    context.header('Location', `/v1/schedules/${view.scheduleId}`);
    return context.json(view, created ? 201 : 200);
  },
});

const list = defineRoute({
  method: 'get', path: '/v1/schedules', operationId: 'listSchedules', tag: 'schedules', auth: 'read',
  summary: 'List schedules in creation order, a page at a time',
  query: listQuery,
  responses: { 200: { description: 'A page of schedules', schema: schedulePage } },
  errors: ['PAGE_LIMIT_EXCEEDED'],
  async handle({ context, deps, query }) {
    return context.json(await listSchedules(deps, query), 200);
  },
});

const describe = defineRoute({
  method: 'get', path: '/v1/schedules/{id}', operationId: 'describeSchedule', tag: 'schedules', auth: 'read',
  summary: 'Describe a schedule with its next fire times',
  params: scheduleParams,
  query: describeQuery,
  responses: { 200: { description: 'The schedule', schema: scheduleDetail } },
  errors: ['SCHEDULE_NOT_FOUND'],
  async handle({ context, deps, params, query }) {
    return context.json(await describeSchedule(deps, params.id, query), 200);
  },
});

const pause = defineRoute({
  method: 'post', path: '/v1/schedules/{id}/pause', operationId: 'pauseSchedule', tag: 'schedules', auth: 'admin',
  summary: 'Pause a schedule: it fires nothing until resumed',
  params: scheduleParams,
  responses: { 200: { description: 'The paused schedule', schema: scheduleView } },
  errors: ['SCHEDULE_NOT_FOUND'],
  async handle({ context, deps, params }) {
    return context.json(await pauseSchedule(deps, params.id), 200);
  },
});

const resume = defineRoute({
  method: 'post', path: '/v1/schedules/{id}/resume', operationId: 'resumeSchedule', tag: 'schedules', auth: 'admin',
  summary: 'Resume a paused schedule from its next tick (ticks passed while paused are not made up)',
  params: scheduleParams,
  responses: { 200: { description: 'The resumed schedule', schema: scheduleView } },
  errors: ['SCHEDULE_NOT_FOUND'],
  async handle({ context, deps, params }) {
    return context.json(await resumeSchedule(deps, params.id), 200);
  },
});

const remove = defineRoute({
  method: 'delete', path: '/v1/schedules/{id}', operationId: 'deleteSchedule', tag: 'schedules', auth: 'admin',
  summary: 'Delete a schedule created through the API (executions it started run on)',
  params: scheduleParams,
  responses: { 200: { description: 'The deleted schedule', schema: scheduleView } },
  errors: ['SCHEDULE_NOT_FOUND', 'CONFLICT'],
  async handle({ context, deps, params }) {
    return context.json(await deleteSchedule(deps, params.id), 200);
  },
});

const preview = defineRoute({
  method: 'post', path: '/v1/schedules/preview', operationId: 'previewSchedule', tag: 'schedules', auth: 'admin',
  summary: 'Check a schedule as create would and answer its next five fire times, without saving it',
  body: { schema: createBody, required: true, description: 'The schedule as it would be created' },
  responses: { 200: { description: 'The schedule is valid: its next fire times', schema: schedulePreview } },
  errors: ['WORKFLOW_NOT_FOUND'],
  async handle({ context, deps, body }) {
    return context.json(await inBody(() => previewSchedule(deps, { ...body, input: body.input as Json | undefined })), 200);
  },
});

export const scheduleRoutes: Route[] = [create, preview, list, describe, pause, resume, remove];
