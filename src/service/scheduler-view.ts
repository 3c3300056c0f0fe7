/**
 * The Scheduler view: everything that will happen later, in due order, one page at a time —
 * scheduled runs, executions sleeping in a Wait (with their wake time), executions waiting for a
 * task token (due when the token runs out, or never), the next fire of each cron schedule, and the
 * starts flow control holds (when a debounce window ends, or never known: when a slot frees), and
 * Tasks whose resource no running worker serves (from when they began to wait). Each source is read from its own index with the same keyset; the pages are merged here.
 */
import {
  listCronFires,
  listScheduledRuns,
  listSleepingThreads,
  listTokenWaits,
  listUnservedTasks,
  type BranchPosition,
  type ScheduledFilter,
  type SchedulerCursor,
} from '../store/index.ts';
import { limitsOf, type Json, type JsonObject } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { scheduledFilterOf } from './cancel-scheduled.ts';
import { heldStartItems } from './held-starts.ts';
import { unservedReason } from './executions.ts';
import { cursorIds, decodeCursor, encodeCursor, pageSize } from './paging.ts';

export const scheduledItemKinds = ['scheduled-run', 'wait', 'task-token', 'cron', 'held', 'unserved'] as const;
export type ScheduledItemKind = (typeof scheduledItemKinds)[number];

export interface ScheduledItem {
  kind: ScheduledItemKind;
  /** scheduled-run: the run's id; wait: the sleeping row (the execution, or its branch); task-token: `<row>:<invocation>`; cron: the schedule's id; held: the execution id the start has. */
  id: string;
  workflow: string;
  /** When it happens: the run's due time, the Wait's wake time, the token's expiry (null: never), the cron's next fire, a debounce window's end (held; null: when a slot frees). */
  dueAt: string | null;
  /** The input of what waits: a run's or execution's input; for a branch (wait, task-token), the branch's own (its Map item, its Parallel input). */
  input: Json;
  /** wait and task-token in a Parallel branch or Map iteration: which fan-out and which index (the innermost when nested). */
  branch?: ScheduledBranch;
  /** wait, task-token and held: the execution (a branch's is the execution it belongs to). */
  executionId?: string;
  /** wait and task-token: the state the execution is in. */
  stateName?: string | null;
  batchId?: string | null;
  itemIndex?: number | null;
  /** cron: the schedule's external key. */
  key?: string | null;
  /** held: why flow control holds the start (`concurrency limit 1 reached for key u1`, …); unserved: `waiting for a worker that serves 'render'`. */
  reason?: string;
  /** unserved: the resource the Task calls, which no running worker serves. */
  resource?: string;
  /** unserved: since when the Task waits (the list is in this order; dueAt is null: when a worker that serves it starts). */
  waitingSince?: string;
}

export interface ListScheduledRequest {
  workflow?: string;
  batchId?: string;
  before?: string | Date;
  after?: string | Date;
  /** Items whose input contains this JSON. */
  inputContains?: JsonObject;
  /** Only these kinds (default all); a batch filter keeps scheduled runs only. */
  kinds?: readonly ScheduledItemKind[];
  limit?: number;
  cursor?: string;
}

export interface ScheduledBranch {
  type: 'Map' | 'Parallel';
  /** The Map or Parallel state. */
  stateName: string;
  /** The Map index of the item, or the Parallel branch's index. */
  index: number;
}

/** A branch's position read from its machine's JSON pointer: `…/States/<name>/Branches/<i>` or `…/States/<name>/ItemProcessor|Iterator`. */
export function scheduledBranchOf(position: BranchPosition | null): { branch?: ScheduledBranch } {
  if (position === null) return {};
  const parts = position.machineId.split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  const parallel = parts.at(-2) === 'Branches';
  const stateName = parallel ? parts.at(-3) : parts.at(-2);
  return { branch: { type: parallel ? 'Parallel' : 'Map', stateName: stateName ?? '', index: position.childIndex } };
}

interface Sorted {
  at: Date;
  item: ScheduledItem;
}

type Source = (deps: Pick<ServiceDeps, 'sql' | 'clock'>, f: ScheduledFilter, after: SchedulerCursor | null, limit: number) => Promise<Sorted[]>;

const sources: Record<ScheduledItemKind, Source> = {
  'scheduled-run': async (deps, f, after, limit) =>
    (await listScheduledRuns(deps.sql, f, after, limit)).map((r) => ({
      at: r.dueAt,
      item: { kind: 'scheduled-run', id: r.id, workflow: r.workflowName, dueAt: r.dueAt.toISOString(), input: r.input, batchId: r.batchId, itemIndex: r.itemIndex },
    })),
  wait: async (deps, f, after, limit) =>
    (await listSleepingThreads(deps.sql, f, after, limit)).map((t) => ({
      at: t.dueAt,
      item: { kind: 'wait', id: t.threadId, workflow: t.workflowName, dueAt: t.dueAt.toISOString(), input: t.input, ...scheduledBranchOf(t.branch), executionId: t.executionId, stateName: t.stateName },
    })),
  'task-token': async (deps, f, after, limit) =>
    (await listTokenWaits(deps.sql, f, after, limit)).map((t) => ({
      at: t.sortAt,
      item: { kind: 'task-token', id: t.id, workflow: t.workflowName, dueAt: t.expiresAt?.toISOString() ?? null, input: t.input, ...scheduledBranchOf(t.branch), executionId: t.executionId, stateName: t.stateName },
    })),
  cron: async (deps, f, after, limit) =>
    (await listCronFires(deps.sql, f, after, limit)).map((c) => ({
      at: c.dueAt,
      item: { kind: 'cron', id: c.scheduleId, workflow: c.workflowName, dueAt: c.dueAt.toISOString(), input: c.input, key: c.key },
    })),
  held: heldStartItems,
  unserved: async (deps, f, after, limit) =>
    (await listUnservedTasks(deps.sql, f, after, limit, new Date(deps.clock.now()))).map((t) => ({
      at: t.since,
      item: {
        kind: 'unserved', id: t.id, workflow: t.workflowName, dueAt: null, input: t.input, ...scheduledBranchOf(t.branch), executionId: t.executionId,
        stateName: t.stateName, resource: t.resource, waitingSince: t.since.toISOString(), reason: unservedReason([t.resource]),
      },
    })),
};

/** Ids compare in byte order, as the statements' `collate "C"` does. */
function compare(a: Sorted, b: Sorted): number {
  const byTime = a.at.getTime() - b.at.getTime();
  if (byTime !== 0) return byTime;
  return a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0;
}

/** One page of the Scheduler, in due order; `nextCursor` continues it, null on the last page. */
export async function listScheduled(deps: Pick<ServiceDeps, 'sql' | 'limits' | 'clock'>, request: ListScheduledRequest): Promise<{ items: ScheduledItem[]; nextCursor: string | null }> {
  const limit = pageSize(request.limit, 50, limitsOf(deps.limits).maxPageSize);
  const filter = scheduledFilterOf(request);
  const cursor = request.cursor ? decodeCursor(request.cursor, cursorIds.schedulerItem) : null;
  const after = cursor ? { dueAt: cursor.at, id: cursor.id } : null;
  const kinds = (request.kinds && request.kinds.length > 0 ? request.kinds : scheduledItemKinds).filter((k) => filter.batchId === undefined || k === 'scheduled-run');
  const pages = await Promise.all(kinds.map((kind) => sources[kind](deps, filter, after, limit + 1)));
  const merged = pages.flat().sort(compare);
  const page = merged.slice(0, limit);
  const more = merged.length > limit;
  const last = page[page.length - 1];
  return { items: page.map((s) => s.item), nextCursor: more ? encodeCursor(last.at, last.item.id) : null };
}
