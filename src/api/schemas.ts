/**
 * Every shape the HTTP API reads or writes, as zod schemas. Request schemas validate; response schemas
 * only document (the OpenAPI document is generated from both, so the two cannot drift apart).
 */
import { z } from 'zod';
import { errorCodes } from '../shared/index.ts';

/** Named schemas: each becomes `#/components/schemas/{id}` in the OpenAPI document. */
export const components = z.registry<{ id: string }>();

const executionStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** Codes the API adds to the engine's own. */
export const apiErrorCodes = { ROUTE_NOT_FOUND: { http: 404 } } as const;

const anyJson = (description: string) => z.unknown().describe(description);

// ---- request: path parameters -------------------------------------------------------------------

export const workflowParams = z.strictObject({ name: z.string().describe('The workflow name') });
export const executionParams = z.strictObject({ id: z.string().describe('The execution id (a UUID)') });
export const taskTokenParams = z.strictObject({ token: z.string().describe('The task token the state handed out as $$.Task.Token') });

// ---- request: query strings and headers ---------------------------------------------------------

export const startQuery = z.strictObject({
  name: z.string().min(1).max(80).optional()
    .describe('The execution name, unique per workflow: a second start with the same name returns the first execution'),
  wait: z.coerce.number().min(0).max(60).optional()
    .describe('Seconds (0 to 60) to wait for the execution to end: 200 when it ended in time, else 202 while it runs on'),
});

export const startHeaders = z.object({
  'Idempotency-Key': z.string().min(1).max(255).optional()
    .describe('Yours alone (per API key, JWT subject, or anonymous caller): sending it again with the same input returns the first answer (200) instead of starting another; with another input, 409 IDEMPOTENCY_KEY_REUSED. Another caller\'s equal key is independent'),
  traceparent: z.string().max(55).optional()
    .describe('W3C trace context: with tracing on, the execution\'s spans join this trace (a malformed value is ignored)'),
});

/** A page size: its upper bound is a setting (limits.maxPageSize), checked by the service with its own code. */
export const pageLimit = (fallback: number) => z.coerce.number().int().min(1).optional()
  .describe(`Page size, from 1 to limits.maxPageSize (500 by default; above: 400 PAGE_LIMIT_EXCEEDED); default ${fallback}`);

const fieldFilterKey = /^(input|output)((?:\.[A-Za-z0-9_-]{1,100}){1,8})$/;

const listExecutionsFields = z.object({
  workflow: z.string().min(1).optional().describe('Only executions of this workflow'),
  status: z.enum(executionStatuses).optional().describe('Only executions in this status (starts flow control holds are RUNNING)'),
  held: z.enum(['true', 'false']).transform((value) => value === 'true').optional()
    .describe('true: only starts flow control holds (with waitingReason); false: only executions that run; absent: both'),
  limit: pageLimit(50),
  cursor: z.string().min(1).optional().describe('The nextCursor of the previous page'),
  startedAfter: z.iso.datetime({ offset: true }).optional().describe('Only executions started at or after this RFC 3339 time'),
  startedBefore: z.iso.datetime({ offset: true }).optional().describe('Only executions started strictly before this RFC 3339 time'),
  name: z.string().min(1).max(200).optional().describe('Only the execution of this name'),
  idempotencyKey: z.string().min(1).max(200).optional().describe('Only the execution started with this Idempotency-Key'),
});

/** The named filters, and `input.<path>` / `output.<path>` ones (documented by `fieldQuery` below). */
export const listExecutionsQuery = listExecutionsFields.catchall(z.string().max(1000)).superRefine((query, context) => {
  for (const key of Object.keys(query)) {
    if (Object.hasOwn(listExecutionsFields.shape, key) || fieldFilterKey.test(key)) continue;
    context.addIssue({ code: 'custom', path: [key], message: `${key} is not a known field (fields of the input or output are input.<path> or output.<path>, e.g. input.user.email)` });
  }
});

export const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).optional()
    .describe('Most events to return, from 1 to limits.maxHistoryPageSize (10000 by default; above: 400 PAGE_LIMIT_EXCEEDED); default 1000'),
});

// ---- request: bodies ----------------------------------------------------------------------------

export const executionInput = anyJson('The execution input: any JSON value (an empty body is {}), checked against the workflow parameters');

export const failureBody = z.strictObject({
  error: z.string().min(1).max(256).optional().describe('An error name, as in a Catch ErrorEquals'),
  cause: z.string().max(32_768).optional().describe('A human-readable explanation'),
});

export const taskSuccessBody = z.strictObject({
  output: z.unknown().refine((value) => value !== undefined, 'output is required: the task result, any JSON value')
    .describe('The task result: any JSON value'),
});

// ---- responses ----------------------------------------------------------------------------------

export const errorBody = z.object({
  error: z.object({
    code: z.enum([...Object.keys(errorCodes), ...Object.keys(apiErrorCodes)] as [string, ...string[]]).describe('Stable; match on this, never on message'),
    message: z.string(),
    details: z.unknown().describe('More about the error (for INPUT_INVALID: problems, each with path and message), or null'),
  }),
}).register(components, { id: 'Error' });

export const executionView = z.object({
  executionId: z.string(),
  workflow: z.string(),
  versionId: z.string(),
  name: z.string(),
  status: z.enum(executionStatuses),
  mode: z.string(),
  input: anyJson('The execution input'),
  output: anyJson('The execution output once SUCCEEDED, else null'),
  error: z.string().nullable(),
  cause: z.string().nullable(),
  parentId: z.string().nullable(),
  rootId: z.string(),
  progress: anyJson('Progress the execution reported, or null'),
  redriveCount: z.number().int(),
  startedAt: z.string().describe('ISO 8601 timestamp'),
  stoppedAt: z.string().nullable(),
  waitingReason: z.string().optional().describe('Flow control: why this start waits to be admitted (no step has run yet); absent once it runs'),
  waitingSince: z.string().optional().describe('Flow control: when the waiting start was asked (ISO 8601)'),
}).register(components, { id: 'Execution' });

export const executionPage = z.object({
  items: z.array(executionView),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
}).register(components, { id: 'ExecutionPage' });

export const historyEvent = z.object({
  executionId: z.string(),
  seq: z.number().int(),
  type: z.string(),
  stateName: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  timestamp: z.string(),
  branchId: z.string().optional().describe('Set on events of a Parallel branch or Map iteration'),
}).register(components, { id: 'HistoryEvent' });

export const historyPage = z.object({ items: z.array(historyEvent) }).register(components, { id: 'History' });

const workflowMetadata = z.object({
  mode: z.enum(['persistent', 'transient']),
  parameters: z.record(z.string(), z.unknown()).nullable().describe('JSON Schema of the input, or null'),
  auth: z.string(),
  ignorePrivacyRules: z.boolean(),
  triggers: z.array(z.record(z.string(), z.unknown())),
  description: z.string().nullable(),
}).register(components, { id: 'WorkflowMetadata' });

export const workflowSummary = z.object({
  name: z.string(),
  versionId: z.string().nullable(),
  metadata: workflowMetadata.nullable(),
  updatedAt: z.string(),
  archivedAt: z.string().nullable().describe('When it was removed (it starts nothing, its triggers are gone); null while deployed'),
}).register(components, { id: 'WorkflowSummary' });

export const removedWorkflow = z.object({
  name: z.string(),
  archivedAt: z.string().describe('When it was removed (the first removal, when removed twice)'),
  tableTriggersDropped: z.number().int().describe('Postgres triggers dropped from watched tables; changes already captured are still delivered'),
  schedulesDeleted: z.number().int().describe('Schedules its file declared; schedules made through the API stay and start nothing while it is archived'),
}).register(components, { id: 'RemovedWorkflow' });

export const workflowList = z.object({ items: z.array(workflowSummary) }).register(components, { id: 'WorkflowList' });

export const workflowView = z.object({
  name: z.string(),
  versionId: z.string(),
  definition: anyJson('The ASL state machine of the current version'),
  metadata: workflowMetadata,
}).register(components, { id: 'Workflow' });

export const taskTokenAnswer = z.object({ executionId: z.string() }).register(components, { id: 'TaskTokenAnswer' });

export const health = z.object({ status: z.literal('ok'), version: z.string().optional() }).register(components, { id: 'Health' });
export const readiness = z
  .object({ status: z.literal('ready'), checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })) })
  .register(components, { id: 'Readiness' });
