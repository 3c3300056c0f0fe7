/**
 * History events: append-only, numbered per execution by the step that writes them, stored one row per
 * committed step of one execution thread (`nightshift.history`, 0016_history_batches.sql): the step's
 * events in order in a versioned `history batch` document. Readers get the events one by one.
 */
import { z } from 'zod';
import { jsonValue, storedFormat, type Json } from '../shared/index.ts';
import type { Queryable } from './connection.ts';

/** An event as a step records it (`saveStepStates` in executions.ts writes them with the row). */
export interface NewHistoryEvent {
  type: string;
  stateName: string | null;
  details: Json;
  at: number;
}

export interface HistoryEventRow {
  executionId: string;
  seq: number;
  type: string;
  stateName: string | null;
  /** The event's own fields: a `history event` document, decoded by its reader. */
  details: Json;
  createdAt: Date;
}

/** One event inside a batch; `at` (ISO time) only when it differs from the row's `created_at`. */
interface StoredEvent {
  type: string;
  state_name: string | null;
  details: Json;
  at?: string;
}

/** `history.batch`: one step's events of one thread, in order. */
export interface HistoryBatch {
  events: StoredEvent[];
}

const storedEventV1 = z.strictObject({ type: z.string(), state_name: z.string().nullable(), details: jsonValue, at: z.string().optional() });
const batchV1 = z.strictObject({ events: z.array(storedEventV1).min(1) });
export const historyBatchFormat = storedFormat<HistoryBatch>('history batch', [{ schema: batchV1 }]);

// The current version's schema must describe exactly what the writer stores: changing HistoryBatch
// fails here until it becomes version 2 (with an upgrade from version 1).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const currentShape: Same<z.infer<typeof batchV1>, HistoryBatch> = true;
void currentShape;

/** The row one step writes for one thread: its events from `firstSeq`, timed by the first event. */
export interface HistoryBatchRow {
  execution_id: string;
  first_seq: number;
  batch: Json;
  created_at: string;
}

/**
 * Inserts the history batches of parameter $n (`historyBatchRow`s); with `written`, a query of execution
 * ids, only the batches of those (a step or start the same statement did not write writes none). The
 * step writes (executions.ts, unlocked-steps.ts, started-executions.ts) end with it. history_pkey.
 */
export const insertHistoryFrom = (n: number, written?: string): string => `
  insert into nightshift.history (execution_id, first_seq, batch, created_at)
  select h.execution_id, h.first_seq, h.batch, h.created_at
  from jsonb_to_recordset($${n}::jsonb) as h(execution_id uuid, first_seq int, batch jsonb, created_at timestamptz)${
    written === undefined ? '' : `
  where h.execution_id in (${written})`}`;

export function historyBatchRow(executionId: string, firstSeq: number, events: readonly NewHistoryEvent[]): HistoryBatchRow {
  const at = events[0].at;
  const stored = events.map((e): StoredEvent => ({
    type: e.type, state_name: e.stateName, details: e.details, ...(e.at === at ? {} : { at: new Date(e.at).toISOString() }),
  }));
  return { execution_id: executionId, first_seq: firstSeq, batch: historyBatchFormat.encode({ events: stored }), created_at: new Date(at).toISOString() };
}

/**
 * Events of the given threads after `afterSeq`, in time order (then thread, then number), at most
 * `limit`. history_pkey: every batch holds at least one event, so the first `limit` batches in that
 * order hold the first `limit` events.
 */
export async function listHistory(
  sql: Queryable,
  executionIds: readonly string[],
  options: { afterSeq?: number; limit?: number } = {},
): Promise<HistoryEventRow[]> {
  const afterSeq = options.afterSeq ?? -1;
  const limit = options.limit ?? 1000;
  const rows = await sql.unsafe<Array<{ execution_id: string; first_seq: number; batch: unknown; created_at: Date }>>(
    `select execution_id, first_seq, batch, created_at from nightshift.history
     where execution_id = any($1::uuid[]) and first_seq + jsonb_array_length(batch -> 'events') - 1 > $2
     order by created_at, execution_id, first_seq
     limit $3`,
    [executionIds as string[], afterSeq, limit] as never,
    { prepare: true },
  );
  const events = rows.flatMap((r) => eventsOf(r.execution_id, r.first_seq, r.batch, r.created_at)).filter((e) => e.seq > afterSeq);
  events.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.executionId, b.executionId) || a.seq - b.seq);
  return events.slice(0, limit);
}

function eventsOf(executionId: string, firstSeq: number, stored: unknown, createdAt: Date): HistoryEventRow[] {
  const batch = historyBatchFormat.decode(stored, `the history batch ${firstSeq} of ${executionId}`);
  return batch.events.map((e, i) => ({
    executionId, seq: firstSeq + i, type: e.type, stateName: e.state_name, details: e.details, createdAt: e.at === undefined ? createdAt : new Date(e.at),
  }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
