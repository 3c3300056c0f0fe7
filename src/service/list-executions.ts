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

export interface ListRequest {
  workflow?: string;
  status?: string;
  /** true: only starts flow control holds; false: only executions that run; absent: both. */
  held?: boolean;
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
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
  // Held starts are RUNNING: another status filter leaves them out.
  const withHeld = request.held !== false && (request.status === undefined || request.status === 'RUNNING');
  const [rows, held] = await Promise.all([
    request.held === true ? [] : listExecutionRows(deps.sql, { workflow: request.workflow, status: request.status as StoredStatus | undefined, before, limit: limit + 1 }),
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
