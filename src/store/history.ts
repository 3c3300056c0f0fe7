/** History events: append-only, numbered per execution by the step that writes them. */
import type { JsonObject } from '../shared/index.ts';
import type { Queryable } from './connection.ts';

/** An event as a step records it (`saveStepStates` in executions.ts writes them with the row). */
export interface NewHistoryEvent {
  type: string;
  stateName: string | null;
  details: JsonObject;
  at: number;
}

export interface HistoryEventRow {
  executionId: string;
  seq: number;
  type: string;
  stateName: string | null;
  details: JsonObject;
  createdAt: Date;
}


// history_events_pkey: a range of one execution's events in order.
export async function listHistory(
  sql: Queryable,
  executionIds: readonly string[],
  options: { afterSeq?: number; limit?: number } = {},
): Promise<HistoryEventRow[]> {
  const rows = await sql.unsafe<Array<{ execution_id: string; seq: number; type: string; state_name: string | null; details: JsonObject; created_at: Date }>>(
    `select execution_id, seq, type, state_name, details, created_at from nightshift.history_events
     where execution_id = any($1::uuid[]) and seq > $2
     order by created_at, execution_id, seq
     limit $3`,
    [executionIds as string[], options.afterSeq ?? -1, options.limit ?? 1000] as never,
    { prepare: true },
  );
  return rows.map((r) => ({ executionId: r.execution_id, seq: r.seq, type: r.type, stateName: r.state_name, details: r.details, createdAt: r.created_at }));
}
