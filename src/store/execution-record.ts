/** An `executions` row as Postgres answers it, and the same as the runtime reads it (ExecutionRow). */
import type { Json, JsonObject } from '../shared/index.ts';
import type { ExecutionRow, StoredStatus } from './executions.ts';

export type Record_ = {
  id: string; kind: 'execution' | 'branch'; workflow_name: string; version_id: string; name: string; status: StoredStatus;
  mode: 'persistent' | 'transient'; input: Json; output: Json | null; error: string | null; cause: string | null;
  parent_id: string | null; root_id: string; identity: Json | null; progress: Json | null; snapshot: Json | null;
  idempotency_key: string | null; redrive_count: number; owner_id: string | null; group_id: string | null; child_index: number | null;
  machine_id: string; outer_vars: JsonObject | null; event_count: number; callback_token_hash: string | null; depth: number; notify_on_end: boolean; traceparent: string | null; started_at: Date; stopped_at: Date | null; updated_at: Date;
};

export function toRow(r: Record_): ExecutionRow {
  return {
    id: r.id, kind: r.kind, workflowName: r.workflow_name, versionId: r.version_id, name: r.name, status: r.status, mode: r.mode,
    input: r.input, output: r.output, error: r.error, cause: r.cause, parentId: r.parent_id, rootId: r.root_id,
    identity: r.identity, progress: r.progress, snapshot: r.snapshot, idempotencyKey: r.idempotency_key,
    redriveCount: r.redrive_count, ownerId: r.owner_id, groupId: r.group_id, childIndex: r.child_index, machineId: r.machine_id,
    outerVars: r.outer_vars, eventCount: r.event_count, callbackTokenHash: r.callback_token_hash, depth: r.depth, notifyOnEnd: r.notify_on_end, traceparent: r.traceparent ?? null, startedAt: r.started_at, stoppedAt: r.stopped_at, updatedAt: r.updated_at,
  };
}

/** A row as read for an unlocked step, with the version (`xmin`) it must still have when written. */
export interface VersionedRow {
  row: ExecutionRow;
  version: string;
}

/** A row as `to_jsonb(e)` renders it (timestamps as text), with its version as `row_version`. */
export type ExecutionJson = Omit<Record_, 'started_at' | 'stopped_at' | 'updated_at'> & {
  started_at: string; stopped_at: string | null; updated_at: string; row_version: string;
};

export function versionedRowOf(r: ExecutionJson): VersionedRow {
  const record: Record_ = { ...r, started_at: new Date(r.started_at), stopped_at: r.stopped_at === null ? null : new Date(r.stopped_at), updated_at: new Date(r.updated_at) };
  return { row: toRow(record), version: r.row_version };
}
