/**
 * An engine's rows as JSON, out and back in: what a recorded execution is made of (workflows and their
 * versions, execution and branch rows with their snapshots, history events, jobs with their payloads, task
 * tokens). Loading inserts only the columns a fixture holds, so columns added by later migrations take
 * their defaults, as they do for rows that exist when a release is upgraded.
 */
import type { Json, JsonObject } from '../../src/shared/index.ts';
import type { Queryable, Sql } from '../../src/store/index.ts';

/** In the order they load (each table's foreign keys point to tables before it). */
export const recordedTables = ['workflows', 'workflow_versions', 'executions', 'task_tokens', 'activity_tasks', 'jobs', 'history_events'] as const;
export type RecordedTable = (typeof recordedTables)[number];
export type RecordedRows = Record<RecordedTable, JsonObject[]>;

const orderBy: Record<RecordedTable, string> = {
  workflows: 'name', workflow_versions: 'id', executions: 'started_at, id', task_tokens: 'token_hash', activity_tasks: 'token_hash',
  jobs: 'id', history_events: 'execution_id, seq',
};

export async function dumpRows(sql: Sql): Promise<RecordedRows> {
  const rows = {} as RecordedRows;
  for (const table of recordedTables) {
    const [{ data }] = await sql.unsafe<Array<{ data: JsonObject[] }>>(
      `select coalesce(jsonb_agg(to_jsonb(t) order by ${orderBy[table]}), '[]'::jsonb) as data from nightshift.${table} t`,
    );
    rows[table] = data;
  }
  return rows;
}

export async function loadRows(sql: Sql, rows: RecordedRows): Promise<void> {
  await sql.begin(async (tx) => {
    // workflows ⇄ workflow_versions point at each other: the current version is set once both exist.
    await insert(tx, 'workflows', rows.workflows.map(({ current_version_id: _current, ...w }) => w));
    await insert(tx, 'workflow_versions', rows.workflow_versions);
    for (const w of rows.workflows) {
      await tx.unsafe('update nightshift.workflows set current_version_id = $2 where name = $1', [w.name as string, w.current_version_id as string]);
    }
    for (const table of recordedTables.slice(2)) await insert(tx, table, rows[table]);
    // Jobs keep their ids; the next job enqueued gets a new one.
    await tx.unsafe(`select setval(pg_get_serial_sequence('nightshift.jobs', 'id'), greatest((select max(id) from nightshift.jobs), 1))`);
  });
}

async function insert(tx: Queryable, table: string, rows: JsonObject[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]).map((c) => `"${c.replace(/"/g, '""')}"`).join(', ');
  const overriding = table === 'jobs' ? 'overriding system value' : '';
  await tx.unsafe(
    `insert into nightshift.${table} (${columns}) ${overriding}
     select ${columns} from jsonb_populate_recordset(null::nightshift.${table}, $1::jsonb)`,
    [tx.json(rows as unknown as Json as never)] as never,
  );
}
