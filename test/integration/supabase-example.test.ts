/**
 * examples/supabase: the Supabase post's workflow, as published, deployed from the example project with
 * its nightshift.yaml (the table trigger, the email preset mapping the post's parameters) and run on a
 * real Postgres and a real SMTP server.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { prepareIntegrations } from '../../src/boot/integrations.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { registerBuiltinResources, ResourceRegistry } from '../../src/resources/index.ts';
import { deployDirectory, runNow, waitForExecution } from '../../src/service/index.ts';
import { silentLogger } from '../../src/shared/index.ts';
import { syncDeployedTableSubscriptions, tableChangeJobHandlers } from '../../src/triggers/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { eventually } from '../support/wait.ts';

const project = resolve(import.meta.dirname, '../../examples/supabase');
let engine: TestEngine;
let smtp: SmtpPeer;
let config: Readonly<Config>;

before(async () => {
  smtp = await startSmtpPeer({ auth: { user: 'acme', pass: 'smtp-pass' } });
  const env = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_REQUIRE_TLS: 'false', SMTP_USER: 'acme', SMTP_PASSWORD: 'smtp-pass' };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    config = loadConfig({ projectDir: project });
    const registry = registerBuiltinResources(new ResourceRegistry());
    prepareIntegrations(config)(registry);
    engine = await createTestEngine({ registry, jobHandlers: (deps) => tableChangeJobHandlers(deps, { idleMs: 20 }) });
  } finally {
    // ${env.…} in the smtp settings is read at each call: keep the values for the test's duration.
    process.env = { ...saved, ...env };
  }
  await engine.db.sql.unsafe('create table public.users (id bigserial primary key, name text, email text)');
});
after(async () => {
  await engine?.close();
  await smtp?.close();
});

describe('the Supabase post, verbatim', () => {
  it("holds the post's state machine byte for byte", async () => {
    const text = await readFile(resolve(project, 'workflows/email-users.yaml'), 'utf8');
    assert.ok(text.startsWith('---\nComment: Email users after one day\nStartAt: EmailUsers\n'));
    assert.match(text, /Parameters:\n {12}api_key: my-api-key\n {12}template_id: welcome-email\n {12}payload:\n {14}name\.\$: '\$\.record\.name'\n {14}email\.\$: '\$\.record\.email'\n/);
  });

  it('emails both users of one inserting transaction a day later, with their names, from one execution', async () => {
    const report = await deployDirectory(engine.deps, config.workflowsDir, { isKnownResource: (r) => engine.registry.has(r), workflowSettings: config.workflowSettings });
    assert.deepEqual([report.invalid, report.deployed.map((d) => d.name)], [[], ['email-users']]);
    await syncDeployedTableSubscriptions(engine.deps, report, silentLogger);

    await engine.db.sql.begin(async (tx) => {
      await tx`insert into public.users (name, email) values ('Ada', 'ada@example.com'), ('Grace', 'grace@example.com')`;
    });
    const [execution] = await eventually(async () => {
      const rows = await engine.db.sql<Array<{ id: string }>>`select id from nightshift.executions where workflow_name = 'email-users' and kind = 'execution'`;
      return rows.length > 0 && rows;
    }, 'the execution the insert starts');
    // The day's wait, ended now through the Scheduler's run now (both Map iterations sleep in it).
    await eventually(async () => (await runNow(engine.deps, execution.id).catch(() => ({ woken: [] }))).woken.length === 2, 'both iterations to sleep and wake');
    const end = await waitForExecution(engine.deps, execution.id, 15_000);
    assert.equal(end.status, 'SUCCEEDED', JSON.stringify(end));
    const executions = await engine.db.sql`select 1 from nightshift.executions where workflow_name = 'email-users' and kind = 'execution'`;
    assert.equal(executions.length, 1, 'one transaction, one execution');

    await eventually(async () => smtp.received.length >= 2, 'two emails');
    const mails = smtp.received.map((m) => ({ to: m.envelope.to, subject: m.parsed.subject, text: m.parsed.text?.split('\n')[0] })).sort((a, b) => a.to[0].localeCompare(b.to[0]));
    assert.deepEqual(mails, [
      { to: ['ada@example.com'], subject: 'Welcome to Acme, Ada', text: 'Hello Ada,' },
      { to: ['grace@example.com'], subject: 'Welcome to Acme, Grace', text: 'Hello Grace,' },
    ]);
    assert.equal(smtp.received[0].envelope.from, 'hello@acme.example');
  });
});
