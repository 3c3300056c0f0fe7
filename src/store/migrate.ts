import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../shared/index.ts';
import type { Queryable, Sql } from './connection.ts';

/** One numbered file, e.g. `0001_initial.sql` → version 1, name `initial`. */
export interface MigrationFile {
  version: number;
  name: string;
  /** The file name without `.sql`, as reported in `applied`. */
  id: string;
  text: string;
  /** SHA-256 of the text with line endings normalised, so a CRLF checkout does not look changed. */
  checksum: string;
}

export interface MigrateOptions {
  /** Folder of `NNNN_name.sql` files; defaults to the migrations shipped with Nightshift. */
  directory?: string | URL;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

const fileNamePattern = /^(\d+)_([a-z0-9_]+)\.sql$/;

/**
 * Every process may call this at start-up at the same time: each file runs in its own transaction
 * that first takes the same transaction-level advisory lock, so exactly one process applies it and
 * the others find it recorded when they get the lock. Forward-only: a file whose text changed
 * after it was applied stops everything with CONFLICT. A database that a newer Nightshift migrated
 * further than the last file this release has is refused with SCHEMA_TOO_NEW: this release could write
 * rows the newer one does not expect (docs/upgrading.md).
 */
export async function migrate(sql: Sql, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const files = await readMigrationFiles(options.directory);
  const recorded = await sql.begin(async (tx) => {
    await lockMigrations(tx);
    await createMigrationsTable(tx);
    return readApplied(tx);
  });
  assertNotNewer(files, recorded);
  const pending = files.filter((file) => {
    const row = recorded.get(file.version);
    if (row) assertUnchanged(file, row);
    return row === undefined;
  });
  const applied: string[] = [];
  for (const file of pending) {
    const ran = await sql.begin(async (tx) => {
      await lockMigrations(tx);
      const row = (await readApplied(tx)).get(file.version);
      if (row) {
        assertUnchanged(file, row);
        return false;
      }
      await tx.unsafe(file.text).simple();
      await tx.unsafe(
        'insert into nightshift.schema_migrations (version, name, checksum, applied_at) values ($1, $2, $3, now())',
        [file.version, file.name, file.checksum],
      );
      return true;
    });
    if (ran) applied.push(file.id);
  }
  return { applied };
}

/** Reads and orders the migration files of a folder (default: the shipped ones); other files are ignored. */
export async function readMigrationFiles(directory: string | URL = defaultDirectory()): Promise<MigrationFile[]> {
  const path = typeof directory === 'string' ? directory : fileURLToPath(directory);
  const files: MigrationFile[] = [];
  for (const entry of await readdir(path)) {
    const match = fileNamePattern.exec(entry);
    if (!match) continue;
    const text = (await readFile(`${path}/${entry}`, 'utf8')).replace(/\r\n/g, '\n');
    files.push({
      version: Number(match[1]),
      name: match[2],
      id: entry.slice(0, -'.sql'.length),
      text,
      checksum: createHash('sha256').update(text).digest('hex'),
    });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    if (files[i].version === files[i - 1].version) {
      throw new EngineError('CONFLICT', `two migration files have version ${files[i].version}: ${files[i - 1].id}, ${files[i].id}`);
    }
  }
  return files;
}

/** Beside this module in the source tree; from `dist/store/` the shipped `src/store/migrations`. */
function defaultDirectory(): URL {
  const beside = new URL('./migrations/', import.meta.url);
  return existsSync(beside) ? beside : new URL('../../src/store/migrations/', import.meta.url);
}

async function lockMigrations(tx: Queryable): Promise<void> {
  await tx.unsafe("select pg_advisory_xact_lock(hashtextextended('nightshift.migrate', 0))");
}

async function createMigrationsTable(tx: Queryable): Promise<void> {
  const [{ exists }] = await tx.unsafe<{ exists: boolean }[]>(
    "select to_regclass('nightshift.schema_migrations') is not null as exists",
  );
  if (exists) return;
  await tx.unsafe(`
    create schema if not exists nightshift;
    comment on schema nightshift is
      'Nightshift: workflows, executions, their history and the job queue. Readable with plain SQL; written only by Nightshift.';
    create table nightshift.schema_migrations (
      version int primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null
    );
    comment on table nightshift.schema_migrations is
      'Migration files applied to this database, one row each; written by migrate(), never by hand.';
    comment on column nightshift.schema_migrations.checksum is
      'SHA-256 of the file text when applied: a file changed afterwards is refused.';
  `).simple();
}

async function readApplied(tx: Queryable): Promise<Map<number, AppliedRow>> {
  const rows = await tx.unsafe<AppliedRow[]>('select version, name, checksum from nightshift.schema_migrations');
  return new Map(rows.map((row) => [row.version, row]));
}

/** Throws SCHEMA_TOO_NEW when the database records a version above the last file of this release. */
function assertNotNewer(files: readonly MigrationFile[], recorded: ReadonlyMap<number, AppliedRow>): void {
  const known = files.at(-1)?.version ?? 0;
  const newest = Math.max(0, ...recorded.keys());
  if (newest <= known) return;
  const row = recorded.get(newest)!;
  throw new EngineError(
    'SCHEMA_TOO_NEW',
    `the database schema is at version ${newest} (${String(newest).padStart(4, '0')}_${row.name}), but this Nightshift release knows up to ${known}: ` +
      'a newer release migrated it; upgrade this process to that release (docs/upgrading.md) instead of running an older one against it',
    { details: { databaseVersion: newest, knownVersion: known } },
  );
}

let shippedFiles: Promise<MigrationFile[]> | undefined;

/**
 * Whether the schema is exactly what this release's files make: every file applied, nothing newer.
 * Answers the problem in words, or null when the schema is ready (/readyz).
 */
export async function schemaProblem(sql: Queryable, options: MigrateOptions = {}): Promise<string | null> {
  // The shipped files never change while the process runs: read them once, not on every probe.
  const files = await (options.directory === undefined ? (shippedFiles ??= readMigrationFiles()) : readMigrationFiles(options.directory));
  const [{ exists }] = await sql.unsafe<{ exists: boolean }[]>("select to_regclass('nightshift.schema_migrations') is not null as exists");
  if (!exists) return 'no migration has been applied';
  const recorded = await readApplied(sql);
  try {
    assertNotNewer(files, recorded);
  } catch (error) {
    return (error as Error).message;
  }
  const missing = files.filter((file) => !recorded.has(file.version)).map((file) => file.id);
  return missing.length === 0 ? null : `migrations not applied: ${missing.join(', ')}`;
}

function assertUnchanged(file: MigrationFile, row: AppliedRow): void {
  if (row.checksum === file.checksum) return;
  throw new EngineError(
    'CONFLICT',
    `migration ${file.id}.sql was changed after it was applied to this database; ` +
      'migrations are forward-only: restore the file and put the change in a new numbered file',
    { details: { version: file.version, name: file.name, appliedChecksum: row.checksum, fileChecksum: file.checksum } },
  );
}
