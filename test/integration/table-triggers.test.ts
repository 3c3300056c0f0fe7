import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadWorkflow } from '../../src/asl/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { deployWorkflow, type ServiceDeps } from '../../src/service/index.ts';
import { EngineError, maxJsonDepth, systemClock, type Json } from '../../src/shared/index.ts';
import { connect, type Sql } from '../../src/store/index.ts';
import { drainOutbox, syncTableSubscriptions, tableChangeJobHandlers } from '../../src/triggers/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

interface Change {
  type: string;
  schema: string;
  table: string;
  record: Record<string, Json> | null;
  old_record: Record<string, Json> | null;
  columns: Array<{ name: string; type: string }>;
  commit_timestamp: string;
}

interface Payload {
  changes: Change[];
  commit_timestamp: string;
}

let engine: TestEngine;
let sql: Sql;
/** A role of the app's own, without any right on the nightshift schema (unique: roles are server-wide). */
const appRole = `ns_test_app_${randomBytes(4).toString('hex')}`;

const succeed = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };

/** Deploys a workflow in the wrapper form and installs its table triggers, as boot does after a deploy. */
async function deploy(wrapper: Record<string, unknown>, deps: ServiceDeps = engine.deps) {
  const { workflow, problems } = loadWorkflow(JSON.stringify(wrapper), `${String(wrapper.name)}.json`, { isKnownResource: (r) => engine.registry.has(r) });
  assert.ok(workflow, JSON.stringify(problems));
  await deployWorkflow(deps, workflow);
  return syncTableSubscriptions(deps, workflow.name, workflow.triggers);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function inputsOf(workflow: string): Promise<Payload[]> {
  const rows = await sql<{ input: Payload }[]>`
    select input from nightshift.executions where workflow_name = ${workflow} and kind = 'execution' order by started_at, id`;
  return rows.map((r) => r.input);
}

async function outboxSize(): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from nightshift.outbox`;
  return row.n;
}

/** Waits for `count` executions of the workflow and for the outbox to be empty, then answers their inputs. */
async function delivered(workflow: string, count: number, timeoutMs?: number): Promise<Payload[]> {
  await waitFor(`${count} executions of ${workflow}`, async () => (await inputsOf(workflow)).length >= count && (await outboxSize()) === 0, timeoutMs);
  return inputsOf(workflow);
}

async function triggersOn(table: string): Promise<string[]> {
  const rows = await sql<{ tgname: string }[]>`
    select tgname from pg_trigger where tgrelid = ${table}::regclass and not tgisinternal order by tgname`;
  return rows.map((r) => r.tgname);
}

before(async () => {
  engine = await createTestEngine({ jobHandlers: (deps) => tableChangeJobHandlers(deps, { idleMs: 20 }) });
  sql = engine.db.sql;
  await sql.unsafe(`
    create table public.users (id serial primary key, email text, name text);
    create table public.shapes (id int primary key, label text, tags text[]);
    create table public.people (id int primary key, first_name text, last_name text);
    create table public.orders (id serial primary key, item text);
    create table public.rollbacks (id serial primary key, note text);
    create table public.redeploys (id int primary key, v int);
    create table public.load (id serial primary key, tx text not null, n int not null);
    create table public.signups (id serial primary key, email text);
    create role ${appRole} nologin;
    grant insert, update on public.signups to ${appRole};
    grant usage on sequence public.signups_id_seq to ${appRole};
  `);
});

after(async () => {
  // Roles belong to the server: revoke what this database granted, then drop it.
  await sql?.unsafe(`drop owned by ${appRole}; drop role ${appRole}`);
  await engine?.close();
});

describe('table-change triggers', () => {
  it('delivers INSERT, UPDATE and DELETE in the seed payload shape', async () => {
    await deploy({ name: 'watch-shapes', triggers: [{ table: 'public.shapes', on: ['INSERT', 'UPDATE', 'DELETE'] }], definition: succeed });
    await sql`insert into public.shapes values (1, 'circle', ${['round']})`;
    await sql`update public.shapes set label = 'disc' where id = 1`;
    await sql`delete from public.shapes where id = 1`;
    // Executions of different transactions may start in any order: find each by its change.
    const byType = new Map((await delivered('watch-shapes', 3)).map((p) => [p.changes[0].type, p]));
    const [inserted, updated, deleted] = ['INSERT', 'UPDATE', 'DELETE'].map((type) => byType.get(type)!);
    const columns = [{ name: 'id', type: 'int4' }, { name: 'label', type: 'text' }, { name: 'tags', type: '_text' }];
    assert.equal(inserted.changes.length, 1);
    assert.deepEqual(inserted.changes[0], {
      type: 'INSERT', schema: 'public', table: 'shapes', record: { id: 1, label: 'circle', tags: ['round'] }, old_record: null,
      columns, commit_timestamp: inserted.commit_timestamp,
    });
    assert.ok(!Number.isNaN(Date.parse(inserted.commit_timestamp)));
    assert.deepEqual(
      [updated.changes[0].type, updated.changes[0].record, updated.changes[0].old_record],
      ['UPDATE', { id: 1, label: 'disc', tags: ['round'] }, { id: 1, label: 'circle', tags: ['round'] }],
    );
    assert.deepEqual([deleted.changes[0].type, deleted.changes[0].record, deleted.changes[0].old_record], ['DELETE', null, { id: 1, label: 'disc', tags: ['round'] }]);
    assert.ok(Date.parse(inserted.commit_timestamp) <= Date.parse(updated.commit_timestamp));
  });

  it('captures the changes of a role that has no right on the nightshift schema, filtered by the condition', async () => {
    await deploy({ name: 'watch-signups', triggers: [{ table: 'public.signups', on: ['INSERT', 'UPDATE'], when: 'new.email is not null' }], definition: succeed });
    await sql.begin(async (tx) => {
      await tx.unsafe(`set local role ${appRole}`);
      await tx`insert into public.signups (email) values (null)`;
      await tx`insert into public.signups (email) values ('ada@example.com')`;
    });
    const [one] = await delivered('watch-signups', 1);
    assert.deepEqual(one.changes.map((c) => c.record?.email), ['ada@example.com']);
  });

  it('filters in SQL with a when condition over old and new', async () => {
    await deploy({
      name: 'first-name-changed',
      triggers: [{ table: 'people', on: ['UPDATE'], when: 'old.first_name is distinct from new.first_name' }],
      definition: succeed,
    });
    await sql`insert into public.people values (1, 'Ada', 'Byron')`;
    await sql`update public.people set last_name = 'Lovelace' where id = 1`;
    assert.equal(await outboxSize(), 0, 'neither the insert nor a change of last name was written to the outbox');
    await sql`update public.people set first_name = 'Augusta' where id = 1`;
    const [only] = await delivered('first-name-changed', 1);
    assert.deepEqual([only.changes[0].old_record?.first_name, only.changes[0].record?.first_name], ['Ada', 'Augusta']);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await inputsOf('first-name-changed')).length, 1);
  });

  it('delivers the rows of one transaction together, in one execution, in the order they changed', async () => {
    await deploy({ name: 'watch-orders', triggers: [{ table: 'public.orders', on: ['INSERT', 'UPDATE'] }], definition: succeed });
    await sql.begin(async (tx) => {
      await tx`insert into public.orders (item) values ('tea'), ('cake')`;
      await tx`insert into public.orders (item) values ('jam')`;
      await tx`update public.orders set item = 'scone' where item = 'cake'`;
    });
    const [one] = await delivered('watch-orders', 1);
    assert.deepEqual(one.changes.map((c) => [c.type, c.record?.item]), [['INSERT', 'tea'], ['INSERT', 'cake'], ['INSERT', 'jam'], ['UPDATE', 'scone']]);
    assert.ok(one.changes.every((c) => c.commit_timestamp === one.commit_timestamp));
  });

  it('starts nothing for a rolled-back transaction or a rolled-back savepoint', async () => {
    await deploy({ name: 'watch-rollbacks', triggers: [{ table: 'public.rollbacks', on: ['INSERT'] }], definition: succeed });
    await assert.rejects(sql.begin(async (tx) => {
      await tx`insert into public.rollbacks (note) values ('never')`;
      throw new Error('roll back');
    }), /roll back/);
    assert.equal(await outboxSize(), 0);
    await sql.begin(async (tx) => {
      await tx`insert into public.rollbacks (note) values ('kept')`;
      await tx.savepoint(async (sp) => {
        await sp`insert into public.rollbacks (note) values ('undone')`;
        throw new Error('undo');
      }).catch(() => {});
    });
    const [only] = await delivered('watch-rollbacks', 1);
    assert.deepEqual(only.changes.map((c) => c.record?.note), ['kept']);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await inputsOf('watch-rollbacks')).length, 1);
  });

  it('changes nothing when the same file is deployed twice, and drops a trigger the file no longer has', async () => {
    const wrapper = { name: 'watch-redeploys', triggers: [{ table: 'public.redeploys', on: ['INSERT'], role: 'authenticated' }], definition: succeed };
    assert.deepEqual(await deploy(wrapper), { installed: 1, kept: 0, dropped: 0 });
    const installed = await triggersOn('public.redeploys');
    assert.deepEqual(await deploy(wrapper), { installed: 0, kept: 1, dropped: 0 });
    assert.deepEqual(await triggersOn('public.redeploys'), installed);
    assert.equal(installed.length, 1);
    assert.match(installed[0], /^nightshift_watch-redeploys_\d+$/);

    await sql`insert into public.redeploys values (1, 1)`;
    await delivered('watch-redeploys', 1);
    const [{ identity }] = await sql<{ identity: Json }[]>`select identity from nightshift.executions where workflow_name = 'watch-redeploys'`;
    assert.deepEqual(identity, { role: 'authenticated', claims: { role: 'authenticated' } });

    const changed = { ...wrapper, triggers: [{ table: 'public.redeploys', on: ['INSERT'], when: 'new.v > 1', role: 'authenticated' }] };
    assert.deepEqual(await deploy(changed), { installed: 1, kept: 0, dropped: 1 });
    assert.equal((await triggersOn('public.redeploys')).length, 1);
    await sql`insert into public.redeploys values (2, 1)`;
    await sql`insert into public.redeploys values (3, 2)`;
    const inputs = await delivered('watch-redeploys', 2);
    assert.deepEqual(inputs.map((p) => p.changes[0].record?.id).sort(), [1, 3]);

    assert.deepEqual(await deploy({ ...wrapper, triggers: [] }), { installed: 0, kept: 0, dropped: 1 });
    assert.deepEqual(await triggersOn('public.redeploys'), []);
    const [{ live }] = await sql<{ live: number }[]>`
      select count(*)::int as live from nightshift.table_subscriptions where workflow_name = 'watch-redeploys' and dropped_at is null`;
    assert.equal(live, 0);
  });

  it('installs the trigger again when its table lost it', async () => {
    const wrapper = { name: 'watch-recreated', triggers: [{ table: 'public.recreated', on: ['INSERT'] }], definition: succeed };
    await sql`create table public.recreated (id int)`;
    await deploy(wrapper);
    await sql`drop table public.recreated`;
    await sql`create table public.recreated (id int)`;
    assert.deepEqual(await deploy(wrapper), { installed: 1, kept: 0, dropped: 0 });
    await sql`insert into public.recreated values (7)`;
    const [one] = await delivered('watch-recreated', 1);
    assert.equal(one.changes[0].record?.id, 7);
  });

  /** Runs `work` with roles: listing `roles` too. */
  async function withRoles(roles: string[], work: () => Promise<void>): Promise<void> {
    const before = engine.deps.roles;
    engine.deps.roles = ['anon', 'authenticated', ...roles];
    try {
      await work();
    } finally {
      engine.deps.roles = before;
    }
  }

  it('refuses a bad when condition, an unknown table or role, a privileged or unlisted role, naming the workflow and the entry', async () => {
    const attempt = (triggers: unknown[]) => deploy({ name: 'badly-watched', triggers, definition: succeed });
    const refusal = async (triggers: unknown[], pointer: string, pattern: RegExp) => {
      const error = await attempt(triggers).then(() => assert.fail('the deploy was accepted'), (e: unknown) => e);
      assert.ok(error instanceof EngineError, String(error));
      assert.equal(error.code, 'INPUT_INVALID');
      assert.match(error.message, /workflow "badly-watched"/);
      const problems = (error.details as { problems: Array<{ pointer: string; message: string }> }).problems;
      assert.deepEqual(problems.map((p) => p.pointer), [pointer]);
      assert.match(problems[0].message, pattern);
    };
    await refusal([{ table: 'public.users', on: ['INSERT'], when: 'new.no_such_column > 1' }], '/triggers/0/when', /no_such_column/);
    await refusal([{ table: 'public.users', on: ['INSERT'], when: 'old.email is null' }], '/triggers/0/when', /OLD/);
    await refusal([{ table: 'public.users', on: ['INSERT'], when: 'true; drop table public.users' }], '/triggers/0/when', /not valid/);
    await refusal([{ table: 'public.users', on: ['INSERT'], when: 'true) execute function pg_catalog.now() --' }], '/triggers/0/when', /not valid/);
    await refusal([{ table: 'public.nope', on: ['INSERT'] }], '/triggers/0/table', /no table is named "public.nope"/);
    await refusal([{ table: 'public.users', on: ['TRUNCATE'] }], '/triggers/0/on', /TRUNCATE/);
    await refusal([{ table: 'public.users', role: 'no_such_role' }], '/triggers/0/role', /no_such_role/);
    // Table-change executions always respect privacy rules: never as a superuser, nor a role outside roles:.
    await refusal([{ table: 'public.users', role: 'postgres' }], '/triggers/0/role', /"postgres", which is not one callers may act as/);
    await withRoles(['postgres'], () => refusal([{ table: 'public.users', role: 'postgres' }], '/triggers/0/role', /superuser or BYPASSRLS/));
    // A good entry beside a bad one is not installed either.
    await refusal([{ table: 'public.users', on: ['INSERT'] }, { table: 'public.users', on: ['UPDATE'], when: 'new.x' }], '/triggers/1/when', /x/);
    assert.equal((await sql`select id from nightshift.table_subscriptions where workflow_name = 'badly-watched'`).length, 0);
    assert.ok(await sql`select 1 from public.users limit 1`, 'the table is still there');
  });
});

describe('table-change triggers under load', () => {
  it('delivers exactly the committed ones of 1 000 concurrent transactions, each once, with several drainers', async () => {
    await deploy({ name: 'watch-load', triggers: [{ table: 'public.load', on: ['INSERT', 'UPDATE'] }], definition: succeed });
    // Two more engine processes on the same database, each with its own pool, worker and drain job
    // handler, plus free-running drains that ignore the job (as a worker whose lease ran out would).
    const others: Array<{ pool: Sql; runtime: DurableRuntime; deps: ServiceDeps }> = [];
    for (let i = 0; i < 2; i++) {
      const pool = connect(engine.db.url, { max: 4, applicationName: 'nightshift-test' });
      const handlers = {};
      const runtime = new DurableRuntime({ sql: pool, registry: engine.registry, concurrency: 4, pollMs: 100, leaseMs: 10_000, jobHandlers: handlers });
      const deps: ServiceDeps = { sql: pool, runtime, clock: systemClock };
      Object.assign(handlers, tableChangeJobHandlers(deps, { idleMs: 20, batchSize: 25 }));
      await runtime.start();
      others.push({ pool, runtime, deps });
    }
    let writing = true;
    let drainedFreely = 0;
    const freeDrains = others.map(async ({ deps }) => {
      while (writing) {
        const result = await drainOutbox(deps, { batchSize: 10 });
        drainedFreely += result.transactions;
        if (result.transactions === 0) await new Promise((r) => setTimeout(r, 5));
      }
    });

    const startedAt = Date.now();
    const writers = connect(engine.db.url, { max: 20, applicationName: 'nightshift-test' });
    const committed = new Map<string, number>();
    const rolledBack = new Set<string>();
    await Promise.all(Array.from({ length: 20 }, async (_, client) => {
      for (let t = 0; t < 50; t++) {
        const tag = `${client}-${t}`;
        const rows = 1 + ((client + t) % 3);
        const rollBack = Math.random() < 1 / 3;
        try {
          await writers.begin(async (tx) => {
            for (let n = 0; n < rows; n++) await tx`insert into public.load (tx, n) values (${tag}, ${n})`;
            await tx`update public.load set n = n + 100 where tx = ${tag} and n = 0`;
            if (rollBack) throw new Error('rolled back');
          });
          committed.set(tag, rows + 1);
        } catch (e) {
          assert.equal((e as Error).message, 'rolled back');
          rolledBack.add(tag);
        }
      }
    }));
    await writers.end();
    assert.equal(committed.size + rolledBack.size, 1000);
    assert.ok(rolledBack.size > 200 && committed.size > 500, `${rolledBack.size} rolled back`);

    const wroteAt = Date.now();
    const inputs = await delivered('watch-load', committed.size, 120_000);
    console.error(`load: wrote in ${wroteAt - startedAt} ms, delivered ${Date.now() - wroteAt} ms later`);
    writing = false;
    await Promise.all(freeDrains);
    await new Promise((r) => setTimeout(r, 200));
    const final = await inputsOf('watch-load');
    assert.equal(final.length, committed.size, 'one execution per committed transaction, no more');
    assert.ok(drainedFreely > 0 && drainedFreely < committed.size, `the drainers shared the work (${drainedFreely} by the free ones)`);

    const seen = new Map<string, number>();
    for (const input of inputs) {
      const tags = new Set(input.changes.map((c) => c.record?.tx as string));
      assert.equal(tags.size, 1, 'an execution holds the changes of one transaction');
      const [tag] = tags;
      assert.ok(!seen.has(tag), `transaction ${tag} delivered twice`);
      seen.set(tag, input.changes.length);
    }
    assert.deepEqual([...seen.keys()].sort(), [...committed.keys()].sort());
    for (const [tag, count] of committed) assert.equal(seen.get(tag), count, `every change of ${tag}, none lost`);
    for (const tag of rolledBack) assert.ok(!seen.has(tag));
    const [{ jobs }] = await sql<{ jobs: number }[]>`select count(*)::int as jobs from nightshift.jobs where kind = 'outbox-drain'`;
    assert.equal(jobs, 1, 'one drain job stays pending');

    for (const { runtime, pool } of others) {
      await runtime.stop(2_000);
      await pool.end({ timeout: 5 });
    }
  });
});

describe('draining the outbox by hand', () => {
  // An engine without the drain job's handler: each drain below is the only one.
  let quiet: TestEngine;
  const warnings: Array<Record<string, unknown>> = [];
  const logger = { debug: () => {}, info: () => {}, error: () => {}, warn: (fields: Record<string, unknown>) => void warnings.push(fields) };

  before(async () => {
    quiet = await createTestEngine();
    await quiet.db.sql.unsafe(`
      create table public.crashes (id serial primary key, v int);
      create table public.bulk (id serial primary key, body text);
      create table public.strict (id serial primary key, v int);
      create table public.nested (id serial primary key, doc jsonb);
    `);
  });

  after(async () => {
    await quiet?.close();
  });

  async function deployQuiet(wrapper: Record<string, unknown>) {
    const { workflow, problems } = loadWorkflow(JSON.stringify(wrapper), `${String(wrapper.name)}.json`);
    assert.ok(workflow, JSON.stringify(problems));
    await deployWorkflow(quiet.deps, workflow);
    await syncTableSubscriptions(quiet.deps, workflow.name, workflow.triggers);
  }

  const countOf = async (workflow: string) => {
    const [{ n }] = await quiet.db.sql<{ n: number }[]>`select count(*)::int as n from nightshift.executions where workflow_name = ${workflow} and kind = 'execution'`;
    return n;
  };

  it('starts nothing twice when a drain dies after starting executions and before deleting the rows', async () => {
    await deployQuiet({ name: 'watch-crashes', triggers: [{ table: 'public.crashes', on: ['INSERT'] }], definition: succeed });
    await quiet.db.sql`insert into public.crashes (v) values (1)`;
    await quiet.db.sql`insert into public.crashes (v) values (2)`;
    await assert.rejects(drainOutbox(quiet.deps, {}, async () => {
      throw new Error('the process died');
    }), /the process died/);
    assert.equal(await countOf('watch-crashes'), 2, 'the executions were started');
    const [{ left }] = await quiet.db.sql<{ left: number }[]>`select count(*)::int as left from nightshift.outbox`;
    assert.equal(left, 2, 'the rows stayed');
    const again = await drainOutbox(quiet.deps);
    assert.deepEqual([again.transactions, again.executions], [2, 2]);
    assert.equal(await countOf('watch-crashes'), 2, 'the second drain found them by their idempotency keys');
    assert.deepEqual(await drainOutbox(quiet.deps), { transactions: 0, executions: 0, full: false });
  });

  it('splits a transaction too large for one input into parts, each change in exactly one', async () => {
    await deployQuiet({ name: 'watch-bulk', triggers: [{ table: 'public.bulk', on: ['INSERT'] }], definition: succeed });
    await quiet.db.sql`insert into public.bulk (body) select repeat('x', 1000) from generate_series(1, 400)`;
    const result = await drainOutbox(quiet.deps);
    assert.equal(result.transactions, 1);
    assert.ok(result.executions >= 2, `${result.executions} parts`);
    const rows = await quiet.db.sql<{ idempotency_key: string; input: Payload }[]>`
      select idempotency_key, input from nightshift.executions where workflow_name = 'watch-bulk' and kind = 'execution'`;
    assert.ok(rows.every((r) => /^table:\d+:\d+:[ab:]+$/.test(r.idempotency_key)), rows.map((r) => r.idempotency_key).join());
    const ids = rows.flatMap((r) => r.input.changes.map((c) => c.record?.id as number)).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: 400 }, (_, i) => i + 1));
    assert.equal(new Set(rows.map((r) => r.input.commit_timestamp)).size, 1, 'the parts share the commit timestamp');
  });

  it('drops, with a warning, a change the workflow refuses as input, and goes on', async () => {
    await deployQuiet({
      name: 'watch-strict',
      triggers: [{ table: 'public.strict', on: ['INSERT'] }],
      parameters: { type: 'object', required: ['userId'] },
      definition: succeed,
    });
    await quiet.db.sql`insert into public.strict (v) values (1)`;
    const result = await drainOutbox(quiet.deps, { logger });
    assert.deepEqual([result.transactions, result.executions], [1, 0]);
    assert.equal(await countOf('watch-strict'), 0);
    assert.deepEqual(warnings.map((w) => [w.workflow, w.code]), [['watch-strict', 'INPUT_INVALID']]);
    const [{ left }] = await quiet.db.sql<{ left: number }[]>`select count(*)::int as left from nightshift.outbox`;
    assert.equal(left, 0);
  });

  it('drops, with a warning, a row nested deeper than the input limit, and delivers the next one', async () => {
    await deployQuiet({ name: 'watch-nested', triggers: [{ table: 'public.nested', on: ['INSERT'] }], definition: succeed });
    warnings.length = 0;
    const deep = `${'['.repeat(maxJsonDepth + 5)}${']'.repeat(maxJsonDepth + 5)}`;
    await quiet.db.sql.unsafe(`insert into public.nested (doc) values ('${deep}'::jsonb)`);
    await quiet.db.sql`insert into public.nested (doc) values ('[[1]]'::jsonb)`;
    const result = await drainOutbox(quiet.deps, { logger });
    assert.deepEqual([result.transactions, result.executions], [2, 1]);
    assert.deepEqual(warnings.map((w) => [w.workflow, w.code]), [['watch-nested', 'INPUT_TOO_DEEP']]);
    const [{ left }] = await quiet.db.sql<{ left: number }[]>`select count(*)::int as left from nightshift.outbox`;
    assert.equal(left, 0, 'the outbox is not blocked');
  });
});
