/**
 * sql:query under privacy rules: row-level security decides what an execution's SQL sees, unless the
 * workflow says ignorePrivacyRules; and the SQL commits with the step that records its result.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadWorkflow } from '../../src/asl/index.ts';
import { deployWorkflow, startExecution, waitForExecution } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
const role = `ns_test_member_${randomBytes(4).toString('hex')}`;

before(async () => {
  engine = await createTestEngine();
  const sql = engine.db.sql;
  await sql.unsafe(`create role ${role} nologin`);
  await sql.unsafe(`create table public.notes (owner text not null, body text not null)`);
  await sql.unsafe(`alter table public.notes enable row level security`);
  await sql.unsafe(`create policy own_notes on public.notes using (owner = current_setting('request.jwt.claims', true)::json->>'sub')
                    with check (owner = current_setting('request.jwt.claims', true)::json->>'sub')`);
  await sql.unsafe(`grant select, insert on public.notes to ${role}`);
  await sql.unsafe(`insert into public.notes values ('alice', 'a1'), ('alice', 'a2'), ('bob', 'b1')`);
});
after(async () => {
  await engine.close();
  await engine.db.sql.unsafe(`drop role if exists ${role}`).catch(() => {});
});

async function deploy(name: string, ignorePrivacyRules: boolean, definition: object): Promise<void> {
  const text = JSON.stringify({ name, ignorePrivacyRules, definition });
  const { workflow, problems } = loadWorkflow(text, `${name}.json`, { isKnownResource: (r) => engine.registry.has(r) });
  assert.ok(workflow, JSON.stringify(problems));
  await deployWorkflow(engine.deps, workflow);
}

const readNotes = {
  StartAt: 'Read',
  States: { Read: { Type: 'Task', Resource: 'sql:query', Parameters: { sql: 'select owner, body from public.notes order by body' }, End: true } },
};

describe('sql:query and privacy rules', () => {
  it("hides another user's rows from an execution acting as a member", async () => {
    await deploy('read-notes', false, readNotes);
    const started = await startExecution(engine.deps, { workflow: 'read-notes', input: {}, identity: { role, claims: { sub: 'alice' } } });
    const end = await waitForExecution(engine.deps, started.executionId, 10_000);
    assert.equal(end.status, 'SUCCEEDED', JSON.stringify(end));
    assert.deepEqual(end.output, { rows: [{ owner: 'alice', body: 'a1' }, { owner: 'alice', body: 'a2' }], rowCount: 2 });
  });

  it('shows every row when the workflow ignores privacy rules', async () => {
    await deploy('read-all-notes', true, readNotes);
    const started = await startExecution(engine.deps, { workflow: 'read-all-notes', input: {}, identity: { role, claims: { sub: 'alice' } } });
    const end = await waitForExecution(engine.deps, started.executionId, 10_000);
    assert.equal((end.output as { rowCount: number }).rowCount, 3);
  });

  it('refuses SQL for an execution without an identity, and policies refuse writes for others', async () => {
    const anonymous = await startExecution(engine.deps, { workflow: 'read-notes', input: {} });
    const refused = await waitForExecution(engine.deps, anonymous.executionId, 10_000);
    assert.deepEqual([refused.status, refused.error], ['FAILED', 'Sql.NoIdentity']);

    await deploy('write-note', false, {
      StartAt: 'Write',
      States: {
        Write: {
          Type: 'Task', Resource: 'sql:query',
          Parameters: { sql: 'insert into public.notes (owner, body) values ($1, $2)', 'params.$': 'States.Array($.owner, $.body)' },
          Catch: [{ ErrorEquals: ['Sql.42501'], Next: 'Denied' }],
          End: true,
        },
        Denied: { Type: 'Pass', End: true },
      },
    });
    const denied = await startExecution(engine.deps, { workflow: 'write-note', input: { owner: 'bob', body: 'forged' }, identity: { role, claims: { sub: 'alice' } } });
    const end = await waitForExecution(engine.deps, denied.executionId, 10_000);
    assert.equal(end.status, 'SUCCEEDED');
    assert.equal((end.output as { Error: string }).Error, 'Sql.42501', 'the policy refused the row (insufficient_privilege), and Catch matched its SQLSTATE');
    const rows = await engine.db.sql`select count(*)::int as n from public.notes where body = 'forged'`;
    assert.equal(rows[0].n, 0);
  });

  it('commits the SQL with the step that records its success: its TaskSucceeded is in the same step', async () => {
    const started = await startExecution(engine.deps, { workflow: 'write-note', input: { owner: 'alice', body: 'a3' }, identity: { role, claims: { sub: 'alice' } } });
    const end = await waitForExecution(engine.deps, started.executionId, 10_000);
    assert.equal(end.status, 'SUCCEEDED');
    const jobs = await engine.db.sql`select count(*)::int as n from nightshift.jobs where kind = 'invoke' and execution_id = ${started.executionId}`;
    assert.equal(jobs[0].n, 0, 'no invoke job: the query ran inside the step');
    const events = await engine.db.sql`select type from nightshift.history_events where execution_id = ${started.executionId} order by seq`;
    assert.deepEqual(events.map((e) => e.type), ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });
});
