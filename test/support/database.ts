import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect, migrate, readMigrationFiles, type Sql } from '../../src/store/index.ts';

/**
 * A fresh, migrated database per call, cloned from a template that is migrated once per set of
 * migration files. The server is NIGHTSHIFT_TEST_DATABASE_URL (an admin URL; `npm test` points it
 * at an embedded server when nothing else is available) or the local one.
 */
const adminUrl = process.env.NIGHTSHIFT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  sql: Sql;
  url: string;
  drop(): Promise<void>;
}

let templateName: Promise<string> | undefined;
let rolesMade: Promise<void> | undefined;

/**
 * Creates Postgres roles (cluster-wide, kept: other test processes may use them) unless they exist,
 * safely when several test processes do it at once. Every test database gets Supabase's pair, `anon`
 * and `authenticated`, the roles JWTs and keys may act as by default.
 */
export async function ensureRoles(names: readonly string[]): Promise<void> {
  await withAdmin(async (admin) => {
    for (const name of names) {
      await admin.unsafe(`do $$ begin create role ${name} nologin; exception when duplicate_object or unique_violation then null; end $$`);
    }
  });
}

/** `migrated: false` gives an empty database (for testing migrations themselves). */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  await (rolesMade ??= ensureRoles(['anon', 'authenticated']));
  const template = options.migrated === false ? 'template0' : await (templateName ??= ensureTemplate());
  const name = `nightshift_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.unsafe(`create database ${name} template ${template}`));
  const url = databaseUrl(name);
  const sql = connect(url, { applicationName: 'nightshift-test' });
  return {
    sql,
    url,
    drop: async () => {
      await sql.end({ timeout: 5 });
      await withAdmin((admin) => admin.unsafe(`drop database if exists ${name} with (force)`));
    },
  };
}

/** The URL of another database on the same server. */
export function databaseUrl(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Named after the migration files' checksums and migrate.ts (which creates the schema and its
 * bookkeeping table), so a changed or added migration gets a new template.
 * Built under a session advisory lock (test files run in parallel processes) into a scratch
 * database that is renamed only once fully migrated, so a crashed build never leaves a half
 * template; connections to the template are then disallowed, as any would make cloning fail.
 */
async function ensureTemplate(): Promise<string> {
  const files = await readMigrationFiles();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.id}:${file.checksum}\n`);
  hash.update(await readFile(new URL('../../src/store/migrate.ts', import.meta.url)));
  const template = `nightshift_template_${hash.digest('hex').slice(0, 16)}`;
  const building = `${template}_building`;
  await withAdmin(async (admin) => {
    await admin.unsafe("select pg_advisory_lock(hashtextextended('nightshift.test-template', 0))");
    const existing = await admin.unsafe('select 1 from pg_database where datname = $1', [template]);
    if (existing.length > 0) return;
    await admin.unsafe(`drop database if exists ${building} with (force)`);
    await admin.unsafe(`create database ${building}`);
    const sql = connect(databaseUrl(building), { max: 1, applicationName: 'nightshift-test' });
    try {
      await migrate(sql);
    } finally {
      await sql.end();
    }
    await admin.unsafe(`alter database ${building} rename to ${template}`);
    await admin.unsafe(`alter database ${template} with is_template true allow_connections false`);
  });
  return template;
}

/** One admin connection (a session advisory lock needs the same connection until it ends). */
async function withAdmin<T>(work: (admin: Sql) => Promise<T>): Promise<T> {
  const admin = connect(adminUrl, { max: 1, applicationName: 'nightshift-test' });
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
