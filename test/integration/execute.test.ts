/**
 * `nightshift execute` on files a user writes: any file name, and sql:query run against DATABASE_URL
 * under the identity rules (the workflow's ignorePrivacyRules, or the role given with --role).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.ts';
import type { JsonObject } from '../../src/shared/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let dir: string;
let db: TestDatabase;
const saved = { ...process.env };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nightshift-execute-'));
  // A project folder (--dir refuses one that is not: no nightshift.yaml and no workflows/).
  mkdirSync(join(dir, 'workflows'));
  db = await createTestDatabase();
  await db.sql.unsafe(`
    create table public.orders (id int primary key, owner text not null, total numeric not null);
    insert into public.orders values (1, 'ada', 12.5), (2, 'bob', 7);
    alter table public.orders enable row level security;
    create policy own_orders on public.orders using (owner = current_setting('request.jwt.claims', true)::jsonb ->> 'sub');
    do $$ begin create role nightshift_execute_reader nologin; exception when duplicate_object then null; end $$;
    grant usage on schema public to nightshift_execute_reader;
    grant select on public.orders to nightshift_execute_reader;
  `);
});
after(async () => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

async function execute(file: string, content: unknown, ...flags: string[]): Promise<{ code: number; result: JsonObject; stderr: string }> {
  const path = join(dir, file);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  let stdout = '';
  let stderr = '';
  const io = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text) };
  const code = await main(['execute', path, '--project', dir, ...flags], io);
  assert.equal(stdout.trim().split('\n').length, 1, `stdout: ${stdout} stderr: ${stderr}`);
  return { code, result: JSON.parse(stdout) as JsonObject, stderr };
}

const count = {
  name: 'count-orders',
  ignorePrivacyRules: true,
  definition: { StartAt: 'Count', States: { Count: { Type: 'Task', Resource: 'sql:query', Parameters: { sql: 'select count(*)::int as n from public.orders' }, OutputPath: '$.rows[0]', End: true } } },
};

describe('nightshift execute', () => {
  it('runs a file whose name has dots, which needs no deployable name', async () => {
    const { code, result } = await execute('order.v2.json', { StartAt: 'Done', States: { Done: { Type: 'Pass', Result: { ok: true }, End: true } } });
    assert.deepEqual([code, result], [0, { status: 'SUCCEEDED', output: { ok: true } }]);
    const wrapped = await execute('order.v3.yaml', 'definition:\n  StartAt: Done\n  States:\n    Done: { Type: Succeed }\n', '--input', '{"a":1}');
    assert.deepEqual([wrapped.code, wrapped.result], [0, { status: 'SUCCEEDED', output: { a: 1 } }]);
  });

  it('still refuses an invalid name written in the name field', async () => {
    const { code, result } = await execute('named.json', { name: 'bad name', definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } } });
    assert.equal(code, 2);
    assert.equal(result.status, 'INVALID');
  });

  it('says sql:query needs DATABASE_URL when none is set', async () => {
    delete process.env.DATABASE_URL;
    const { code, result } = await execute('count.json', count);
    assert.equal(code, 1);
    assert.equal(result.error, 'Sql.NoDatabase');
    assert.match(String(result.cause), /sql:query needs DATABASE_URL when run by nightshift execute/);
  });

  it('runs sql:query against DATABASE_URL as the engine when the workflow ignores privacy rules', async () => {
    process.env.DATABASE_URL = db.url;
    try {
      const { code, result } = await execute('count.json', count);
      assert.deepEqual([code, result], [0, { status: 'SUCCEEDED', output: { n: 2 } }]);
    } finally {
      delete process.env.DATABASE_URL;
    }
  });

  it('runs sql:query under row-level security as the role given with --role, and refuses to run it with no role', async () => {
    process.env.DATABASE_URL = db.url;
    try {
      const privacy = { ...count, ignorePrivacyRules: false };
      const refused = await execute('count-private.json', privacy);
      assert.deepEqual([refused.code, refused.result.error], [1, 'Sql.NoIdentity']);
      const ada = await execute('count-private.json', privacy, '--role', 'nightshift_execute_reader', '--claims', '{"sub":"ada"}');
      assert.deepEqual([ada.code, ada.result], [0, { status: 'SUCCEEDED', output: { n: 1 } }]);
      const broken = await execute('broken.json', { ...count, definition: { StartAt: 'Q', States: { Q: { Type: 'Task', Resource: 'sql:query', Parameters: { sql: 'select 1/0' }, End: true } } } });
      assert.deepEqual([broken.code, broken.result.error], [1, 'Sql.22012']);
    } finally {
      delete process.env.DATABASE_URL;
    }
  });
});
