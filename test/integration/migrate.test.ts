import assert from 'node:assert/strict';
import { cp, mkdtemp, appendFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EngineError } from '../../src/shared/index.ts';
import { connect, migrate, readMigrationFiles } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const shipped = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));

describe('migrate', () => {
  let db: TestDatabase;
  let directory: string;
  beforeEach(async () => {
    db = await createTestDatabase({ migrated: false });
    directory = await mkdtemp(join(tmpdir(), 'nightshift-migrations-'));
    await cp(shipped, directory, { recursive: true });
  });
  afterEach(async () => {
    await db.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('applies each migration exactly once when four processes migrate at the same time', async () => {
    const pools = [1, 2, 3, 4].map(() => connect(db.url, { max: 1 }));
    try {
      const results = await Promise.all(pools.map((sql) => migrate(sql, { directory })));
      const files = (await readMigrationFiles(directory)).map((file) => file.id);
      assert.deepEqual(results.flatMap((result) => result.applied).sort(), files);
    } finally {
      await Promise.all(pools.map((sql) => sql.end()));
    }
    const rows = await db.sql.unsafe('select version, name from nightshift.schema_migrations order by version');
    const shippedFiles = await readMigrationFiles(directory);
    assert.deepEqual(rows.map((row) => ({ ...row })), shippedFiles.map((f) => ({ version: f.version, name: f.name })));
    assert.deepEqual(await migrate(db.sql, { directory }), { applied: [] });
  });

  it('applies a new numbered file on the next run', async () => {
    await migrate(db.sql, { directory });
    await writeFile(join(directory, '9001_extra.sql'), 'create table nightshift.extras (id int primary key);\n');
    assert.deepEqual(await migrate(db.sql, { directory }), { applied: ['9001_extra'] });
    assert.equal((await db.sql.unsafe('select * from nightshift.extras')).length, 0);
  });

  it('refuses to run when an applied migration file was changed', async () => {
    await migrate(db.sql, { directory });
    await appendFile(join(directory, '0001_initial.sql'), '\ncreate table nightshift.sneaky (id int);\n');
    await assert.rejects(migrate(db.sql, { directory }), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.code, 'CONFLICT');
      assert.match(error.message, /0001_initial\.sql was changed after it was applied/);
      return true;
    });
    const [{ sneaky }] = await db.sql.unsafe("select to_regclass('nightshift.sneaky') as sneaky");
    assert.equal(sneaky, null);
  });

  it('leaves no trace of a migration that fails halfway', async () => {
    await writeFile(
      join(directory, '9002_broken.sql'),
      'create table nightshift.half (id int);\ninsert into nightshift.missing values (1);\n',
    );
    await assert.rejects(migrate(db.sql, { directory }), /nightshift\.missing/);
    const versions = await db.sql.unsafe('select version from nightshift.schema_migrations order by version');
    assert.deepEqual(versions.map((row) => row.version), (await readMigrationFiles(shipped)).map((f) => f.version));
    const [{ half }] = await db.sql.unsafe("select to_regclass('nightshift.half') as half");
    assert.equal(half, null);
  });
});

describe('migrate against a newer schema', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('refuses to start against a schema that a newer release migrated further, naming both versions', async () => {
    const known = (await readMigrationFiles()).at(-1)!.version;
    await db.sql.unsafe(
      "insert into nightshift.schema_migrations (version, name, checksum, applied_at) values ($1, 'from_the_future', 'x', now())",
      [known + 1],
    );
    await assert.rejects(migrate(db.sql), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.code, 'SCHEMA_TOO_NEW');
      assert.match(error.message, new RegExp(`version ${known + 1}.*knows up to ${known}`));
      assert.match(error.message, /upgrade/);
      return true;
    });
  });
});
