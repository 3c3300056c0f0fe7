/**
 * The executions list, newest first, a page at a time. Starts that flow control holds are listed
 * too (status RUNNING with `waitingReason`, like `describeExecution` shows them): they are merged
 * in by the time they were asked, and `held: true` lists only them.
 */
import { listExecutions as listExecutionRows, listHeldStarts, type StoredStatus } from '../store/index.ts';
import { EngineError, limitsOf } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { viewOf, type ExecutionView } from './executions.ts';
import { heldStartView } from './held-starts.ts';
import { decodeCursor, encodeCursor, pageSize } from './paging.ts';
import { fieldFilters } from './field-filters.ts';

function timeOf(text: string | undefined, field: string): Date | undefined {
  if (text === undefined) return undefined;
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new EngineError('INPUT_INVALID', `The request is invalid: query.${field}: ${JSON.stringify(text)} is not an RFC 3339 time`);
  return time;
}

export interface ListRequest {
  workflow?: string;
  status?: string;
  /** true: only starts flow control holds; false: only executions that run; absent: both. */
  held?: boolean;
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Started at or after / strictly before these RFC 3339 times. */
  startedAfter?: string;
  startedBefore?: string;
  /** Exactly this execution name / idempotency key. */
  name?: string;
  idempotencyKey?: string;
  /** `input.<path>` and `output.<path>` filters (field-filters.ts), among other query entries. */
  [field: `input.${string}` | `output.${string}`]: unknown;
}

const statuses = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

interface Listed {
  at: Date;
  view: ExecutionView;
}

/** Newest first; ids compare as uuids do (their lowercase text, in byte order). */
const newestFirst = (a: Listed, b: Listed) => b.at.getTime() - a.at.getTime() || (a.view.executionId < b.view.executionId ? 1 : -1);

export async function listExecutions(deps: Pick<ServiceDeps, 'sql' | 'limits'>, request: ListRequest): Promise<{ items: ExecutionView[]; nextCursor: string | null }> {
  if (request.status !== undefined && !statuses.has(request.status)) {
    throw new EngineError('INPUT_INVALID', `status must be one of ${[...statuses].join(', ')}`);
  }
  const limit = pageSize(request.limit, 50, limitsOf(deps.limits).maxPageSize);
  const cursor = request.cursor ? decodeCursor(request.cursor) : undefined;
  const before = cursor ? { startedAt: cursor.at, id: cursor.id } : undefined;
  const fields = fieldFilters(request as unknown as Record<string, unknown>);
  const narrowed = fields.input !== null || fields.output !== null || [request.startedAfter, request.startedBefore, request.name, request.idempotencyKey].some((v) => v !== undefined);
  // Held starts are RUNNING and not yet executions: another status filter, or any filter on what
  // only executions have (input and output fields, times, names), leaves them out.
  const withHeld = request.held !== false && !narrowed && (request.status === undefined || request.status === 'RUNNING');
  const [rows, held] = await Promise.all([
    request.held === true ? [] : listExecutionRows(deps.sql, {
      workflow: request.workflow, status: request.status as StoredStatus | undefined, before, limit: limit + 1,
      startedAfter: timeOf(request.startedAfter, 'startedAfter'), startedBefore: timeOf(request.startedBefore, 'startedBefore'),
      name: request.name, idempotencyKey: request.idempotencyKey, input: fields.input, output: fields.output,
    }),
    withHeld ? listHeldStarts(deps.sql, { workflow: request.workflow, before: cursor, limit: limit + 1 }) : [],
  ]);
  const merged = [
    ...rows.map((row) => ({ at: row.startedAt, view: viewOf(row) })),
    ...held.map((row) => ({ at: row.createdAt, view: heldStartView(row) })),
  ].sort(newestFirst);
  const page = merged.slice(0, limit);
  const last = merged.length > limit ? page[page.length - 1] : null;
  return { items: page.map((l) => l.view), nextCursor: last ? encodeCursor(last.at, last.view.executionId) : null };
}
