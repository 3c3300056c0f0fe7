/**
 * The Scheduler view: everything that will happen later, in due order, one page at a time —
 * scheduled runs, executions sleeping in a Wait (with their wake time), executions waiting for a
 * task token (due when the token runs out, or never) and the next fire of each cron schedule.
 * Each source is read from its own index with the same keyset; the pages are merged here.
 */
import {
  listCronFires,
  listScheduledRuns,
  listSleepingThreads,
  listTokenWaits,
  type ScheduledFilter,
  type SchedulerCursor,
} from '../store/index.ts';
import { EngineError, type Json, type JsonObject } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { scheduledFilterOf } from './cancel-scheduled.ts';

export const scheduledItemKinds = ['scheduled-run', 'wait', 'task-token', 'cron'] as const;
export type ScheduledItemKind = (typeof scheduledItemKinds)[number];

export interface ScheduledItem {
  kind: ScheduledItemKind;
  /** scheduled-run: the run's id; wait: the sleeping row (the execution, or its branch); task-token: `<row>:<invocation>`; cron: the schedule's id. */
  id: string;
  workflow: string;
  /** When it happens: the run's due time, the Wait's wake time, the token's expiry (null: never), the cron's next fire. */
  dueAt: string | null;
  input: Json;
  /** wait and task-token: the execution (a branch's is the execution it belongs to). */
  executionId?: string;
  /** wait and task-token: the state the execution is in. */
  stateName?: string | null;
  batchId?: string | null;
  itemIndex?: number | null;
  /** cron: the schedule's external key. */
  key?: string | null;
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

interface Sorted {
  at: Date;
  item: ScheduledItem;
}

type Source = (deps: Pick<ServiceDeps, 'sql'>, f: ScheduledFilter, after: SchedulerCursor | null, limit: number) => Promise<Sorted[]>;

const sources: Record<ScheduledItemKind, Source> = {
  'scheduled-run': async (deps, f, after, limit) =>
    (await listScheduledRuns(deps.sql, f, after, limit)).map((r) => ({
      at: r.dueAt,
      item: { kind: 'scheduled-run', id: r.id, workflow: r.workflowName, dueAt: r.dueAt.toISOString(), input: r.input, batchId: r.batchId, itemIndex: r.itemIndex },
    })),
  wait: async (deps, f, after, limit) =>
    (await listSleepingThreads(deps.sql, f, after, limit)).map((t) => ({
      at: t.dueAt,
      item: { kind: 'wait', id: t.threadId, workflow: t.workflowName, dueAt: t.dueAt.toISOString(), input: t.input, executionId: t.executionId, stateName: t.stateName },
    })),
  'task-token': async (deps, f, after, limit) =>
    (await listTokenWaits(deps.sql, f, after, limit)).map((t) => ({
      at: t.sortAt,
      item: { kind: 'task-token', id: t.id, workflow: t.workflowName, dueAt: t.expiresAt?.toISOString() ?? null, input: t.input, executionId: t.executionId, stateName: t.stateName },
    })),
  cron: async (deps, f, after, limit) =>
    (await listCronFires(deps.sql, f, after, limit)).map((c) => ({
      at: c.dueAt,
      item: { kind: 'cron', id: c.scheduleId, workflow: c.workflowName, dueAt: c.dueAt.toISOString(), input: c.input, key: c.key },
    })),
};

/** Ids compare in byte order, as the statements' `collate "C"` does. */
function compare(a: Sorted, b: Sorted): number {
  const byTime = a.at.getTime() - b.at.getTime();
  if (byTime !== 0) return byTime;
  return a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0;
}

function encodeCursor(s: Sorted): string {
  return Buffer.from(`${s.at.toISOString()}|${s.item.id}`).toString('base64url');
}

function decodeCursor(cursor: string): SchedulerCursor {
  const text = Buffer.from(cursor, 'base64url').toString();
  const split = text.indexOf('|');
  const at = Date.parse(text.slice(0, split));
  if (split < 0 || Number.isNaN(at) || split === text.length - 1) throw new EngineError('INPUT_INVALID', 'cursor is not one this API gave');
  return { dueAt: new Date(at), id: text.slice(split + 1) };
}

/** One page of the Scheduler, in due order; `nextCursor` continues it, null on the last page. */
export async function listScheduled(deps: Pick<ServiceDeps, 'sql'>, request: ListScheduledRequest): Promise<{ items: ScheduledItem[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(request.limit ?? 50, 1), 500);
  const filter = scheduledFilterOf(request);
  const after = request.cursor ? decodeCursor(request.cursor) : null;
  const kinds = (request.kinds && request.kinds.length > 0 ? request.kinds : scheduledItemKinds).filter((k) => filter.batchId === undefined || k === 'scheduled-run');
  const pages = await Promise.all(kinds.map((kind) => sources[kind](deps, filter, after, limit + 1)));
  const merged = pages.flat().sort(compare);
  const page = merged.slice(0, limit);
  const more = merged.length > limit;
  return { items: page.map((s) => s.item), nextCursor: more ? encodeCursor(page[page.length - 1]) : null };
}
