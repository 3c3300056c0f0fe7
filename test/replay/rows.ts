/**
 * An engine's rows as JSON, out and back in: what a recorded execution is made of (workflows and their
 * versions, execution and branch rows with their snapshots, history events, jobs with their payloads, task
 * tokens). Loading inserts only the columns a fixture holds, so columns added by later migrations take
 * their defaults, as they do for rows that exist when a release is upgraded.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json, JsonObject } from '../../src/shared/index.ts';
import { migrate, readMigrationFiles, type Queryable, type Sql } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/** What this release records, in the order they load (each table's foreign keys point to tables before it). */
export const recordedTables = ['workflows', 'workflow_versions', 'executions', 'task_tokens', 'activity_tasks', 'jobs', 'history'] as const;
export type RecordedTable = (typeof recordedTables)[number];
/**
 * Recordings made before 0016_history_batches.sql hold `history_events` (one row per event) instead of
 * `history` (one row per step): they load into a database migrated only that far and are converted by
 * the migrations after it, as an upgraded installation's rows are.
 */
export type RecordedRows = Record<Exclude<RecordedTable, 'history'>, JsonObject[]> & { history?: JsonObject[]; history_events?: JsonObject[] };

const orderBy: Record<RecordedTable, string> = {
  workflows: 'name', workflow_versions: 'id', executions: 'started_at, id', task_tokens: 'token_hash', activity_tasks: 'token_hash',
  jobs: 'id', history: 'execution_id, first_seq',
};

/** The last migration of the release that stored history one row per event. */
export const perEventHistoryMigration = 15;

/**
 * A fresh database holding the rows as the recording release stored them: migrated through
 * `migration` (the recording's), loaded, then migrated the rest of the way.
 */
export async function databaseWith(rows: RecordedRows, migration: number): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: false });
  try {
    await migrate(db.sql, { directory: await migrationsThrough(migration) });
    await loadRows(db.sql, rows);
    await migrate(db.sql);
    return db;
  } catch (error) {
    await db.drop();
    throw error;
  }
}

const folders = new Map<number, Promise<string>>();

/** A folder with the shipped migration files numbered up to `last`. */
function migrationsThrough(last: number): Promise<string> {
  let folder = folders.get(last);
  if (!folder) {
    folder = (async () => {
      const path = await mkdtemp(join(tmpdir(), `nightshift-migrations-${last}-`));
      for (const file of await readMigrationFiles()) if (file.version <= last) await writeFile(join(path, `${file.id}.sql`), file.text);
      return path;
    })();
    folders.set(last, folder);
  }
  return folder;
}

export async function dumpRows(sql: Sql): Promise<RecordedRows> {
  const rows = {} as Record<RecordedTable, JsonObject[]>;
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
    for (const table of [...recordedTables.slice(2, -1), 'history_events', 'history'] as const) await insert(tx, table, rows[table] ?? []);
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
