import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { unreachableEmbeddedBinaries } from '../support/embedded.ts';
import { connect, embeddedBinariesDir, migrate, readMigrationFiles, startEmbeddedPostgres, type Sql } from '../../src/store/index.ts';

const blocked = unreachableEmbeddedBinaries();

async function withConnection<T>(url: string, work: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = connect(url, { max: 1 });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

describe('embedded Postgres', () => {
  // Slow (initdb, two starts): one test covers the whole life cycle.
  it('refuses with a clear error, not EACCES, when its programs cannot be reached by the postgres user', { skip: blocked === null ? 'the binaries are reachable here' : false }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'nightshift-embedded-'));
    try {
      await assert.rejects(startEmbeddedPostgres({ dataDir }), { code: 'CONFIG_INVALID', message: new RegExp(`cannot enter ${blocked}`) });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('initialises a data directory, keeps its data across a restart and stops cleanly', { timeout: 180_000, skip: blocked === null ? false : `running as root in a checkout under ${blocked}, which the postgres user cannot enter` }, async () => {
    // mkdtemp makes the directory itself, so no parent stands between the `postgres` user and it when run as root.
    const dataDir = await mkdtemp(join(tmpdir(), 'nightshift-embedded-'));
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      try {
        assert.match(first.url, /^postgres:\/\/postgres:[0-9a-f]+@127\.0\.0\.1:\d+\/nightshift$/);
        await withConnection(first.url, async (sql) => {
          const [{ database }] = await sql.unsafe('select current_database() as database');
          assert.equal(database, 'nightshift');
          assert.deepEqual(await migrate(sql), { applied: (await readMigrationFiles()).map((f) => f.id) });
          await sql.unsafe("insert into nightshift.workflows (name) values ('kept')");
        });
      } finally {
        await first.stop();
      }
      await assert.rejects(withConnection(first.url, (sql) => sql.unsafe('select 1')), 'the server is down');

      const second = await startEmbeddedPostgres({ dataDir });
      try {
        await withConnection(second.url, async (sql) => {
          const names = await sql.unsafe('select name from nightshift.workflows');
          assert.deepEqual(names.map((row) => row.name), ['kept']);
          assert.deepEqual(await migrate(sql), { applied: [] });
        });
      } finally {
        await second.stop();
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
