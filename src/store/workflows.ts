/**
 * Workflows and their versions. A version's id is the hash of its canonical content (name, definition,
 * metadata): deploying the same file twice creates nothing, and an execution pins the version it began on.
 */
import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../shared/index.ts';
import type { Queryable } from './connection.ts';

export interface WorkflowVersionRow {
  id: string;
  workflowName: string;
  definition: Json;
  metadata: JsonObject;
  createdAt: Date;
}

export interface WorkflowRow {
  name: string;
  currentVersionId: string | null;
  metadata: JsonObject | null;
  createdAt: Date;
  updatedAt: Date;
  /** When it was removed; null while deployed. */
  archivedAt: Date | null;
}

/** JSON with object keys sorted, so that equal content hashes equally. */
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function versionIdOf(name: string, definition: Json, metadata: JsonObject): string {
  return createHash('sha256').update(canonical({ name, definition, metadata })).digest('hex').slice(0, 32);
}

// workflows_pkey, workflow_versions_pkey. Three statements in the caller's transaction or autocommit:
// each is idempotent, so a concurrent deploy of the same file converges.
export async function saveWorkflowVersion(
  sql: Queryable,
  input: { name: string; definition: Json; metadata: JsonObject },
): Promise<{ versionId: string; changed: boolean }> {
  const versionId = versionIdOf(input.name, input.definition, input.metadata);
  await sql.unsafe('insert into nightshift.workflows (name) values ($1) on conflict (name) do nothing', [input.name]);
  await sql.unsafe(
    `insert into nightshift.workflow_versions (id, workflow_name, definition, metadata)
     values ($1, $2, $3, $4) on conflict (id) do nothing`,
    [versionId, input.name, sql.json(input.definition as never), sql.json(input.metadata as never)],
  );
  const updated = await sql.unsafe(
    `update nightshift.workflows set current_version_id = $2, archived_at = null, updated_at = now()
     where name = $1 and (current_version_id is distinct from $2 or archived_at is not null) returning name`,
    [input.name, versionId],
  );
  return { versionId, changed: updated.length > 0 };
}

interface VersionRecord {
  id: string;
  workflow_name: string;
  definition: Json;
  metadata: JsonObject;
  created_at: Date;
}

function toVersion(row: VersionRecord): WorkflowVersionRow {
  return { id: row.id, workflowName: row.workflow_name, definition: row.definition, metadata: row.metadata, createdAt: row.created_at };
}

// workflows_pkey, then workflow_versions_pkey.
export async function getCurrentVersion(sql: Queryable, name: string): Promise<WorkflowVersionRow | null> {
  const [row] = await sql.unsafe<VersionRecord[]>(
    `select v.* from nightshift.workflows w join nightshift.workflow_versions v on v.id = w.current_version_id
     where w.name = $1`,
    [name],
    { prepare: true },
  );
  return row ? toVersion(row) : null;
}

/**
 * A version as a start, an access check or a schedule needs it: the definition (tens of KB for a large
 * workflow, parsed on every start when it came along: measured with a 27 KB definition, ~700
 * starts/s) is read only for a transient version, or when `withDefinition` (a start asked to run
 * transient): a transient execution runs the definition itself, a persistent one the compiled machine.
 */
export type WorkflowVersionHead = Omit<WorkflowVersionRow, 'definition'> & { definition: Json | null; archivedAt: Date | null };

export async function getCurrentVersionHead(sql: Queryable, name: string, withDefinition = false): Promise<WorkflowVersionHead | null> {
  const [row] = await sql.unsafe<Array<{ id: string; workflow_name: string; metadata: JsonObject; created_at: Date; definition: Json | null; archived_at: Date | null }>>(
    `select v.id, v.workflow_name, v.metadata, v.created_at, w.archived_at,
            case when $2 or v.metadata->>'mode' = 'transient' then v.definition end as definition
     from nightshift.workflows w
     join nightshift.workflow_versions v on v.id = w.current_version_id
     where w.name = $1`,
    [name, withDefinition],
    { prepare: true },
  );
  return row ? { id: row.id, workflowName: row.workflow_name, metadata: row.metadata, createdAt: row.created_at, definition: row.definition, archivedAt: row.archived_at } : null;
}

// workflow_versions_pkey.
export async function getVersion(sql: Queryable, id: string): Promise<WorkflowVersionRow | null> {
  const [row] = await sql.unsafe<VersionRecord[]>('select * from nightshift.workflow_versions where id = $1', [id], { prepare: true });
  return row ? toVersion(row) : null;
}

// Sequential scan of workflows (a project has tens of them) joined to their current version.
export async function listWorkflows(sql: Queryable): Promise<WorkflowRow[]> {
  const rows = await sql.unsafe<Array<{ name: string; current_version_id: string | null; metadata: JsonObject | null; created_at: Date; updated_at: Date; archived_at: Date | null }>>(
    `select w.name, w.current_version_id, v.metadata, w.created_at, w.updated_at, w.archived_at
     from nightshift.workflows w left join nightshift.workflow_versions v on v.id = w.current_version_id
     order by w.name`,
  );
  return rows.map((r) => ({ name: r.name, currentVersionId: r.current_version_id, metadata: r.metadata, createdAt: r.created_at, updatedAt: r.updated_at, archivedAt: r.archived_at }));
}

/**
 * Marks the workflow removed (its first removal time is kept); null when no workflow has the name.
 * workflows_pkey. The row lock also orders it against a deploy of the same name.
 */
export async function archiveWorkflowRow(sql: Queryable, name: string, now: Date): Promise<{ archivedAt: Date } | null> {
  const [row] = await sql.unsafe<Array<{ archived_at: Date }>>(
    `update nightshift.workflows set archived_at = coalesce(archived_at, $2::timestamptz), updated_at = now()
     where name = $1 returning archived_at`,
    [name, now] as never,
  );
  return row ? { archivedAt: row.archived_at } : null;
}

/** Whether the workflow is archived (false when it does not exist). workflows_pkey. */
export async function isWorkflowArchived(sql: Queryable, name: string): Promise<boolean> {
  const rows = await sql.unsafe('select 1 from nightshift.workflows where name = $1 and archived_at is not null', [name], { prepare: true });
  return rows.length > 0;
}
