/**
 * A secret used by durable executions reaches the server it is meant for and nothing else: after runs that
 * sent `${secrets.API_KEY}` in a header (directly with http:invoke and through a named resource), one whose
 * failure cause would have quoted it and one whose answer echoed it, every table of the nightshift schema
 * (history events, executions with all their columns, jobs, ...), the job payloads while a call is in flight,
 * the API's answers and the captured logs are searched for the value. The engine is the real composition root
 * (boot's createEngine) on a fresh test database, reading the secret from NIGHTSHIFT_SECRET_API_KEY.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/index.ts';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { Logger } from '../../src/shared/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const secret = 'sk_live_7f3a9c1e-SECRET-b2d4e6f8';
const variants = (value: string) => [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), value.slice(0, 12), value.slice(-12)];

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
}

/** /echo answers what it got, /fail answers it with a 500, /gate waits until the test opens it. */
async function startPeer(): Promise<{ base: string; seen: Seen[]; openGate(): void; gateReached: Promise<void>; close(): Promise<void> }> {
  const seen: Seen[] = [];
  let openGate = () => {};
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let reached = () => {};
  const gateReached = new Promise<void>((resolve) => (reached = resolve));
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const entry = { url: request.url ?? '', headers: request.headers };
      seen.push(entry);
      const body = JSON.stringify({ got: entry });
      const answer = (status: number) => response.writeHead(status, { 'content-type': 'application/json' }).end(body);
      if (entry.url === '/fail') answer(500);
      else if (entry.url === '/gate') {
        reached();
        void gate.then(() => answer(200));
      } else answer(200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base, seen, openGate: () => openGate(), gateReached,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function workflow(name: string, resource: string, parameters: object): string {
  return JSON.stringify({ name, definition: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: resource, Parameters: parameters, End: true } } } }, null, 2);
}

describe('secrets never leave the resource', () => {
  let db: TestDatabase;
  let engine: Engine;
  let peer: Awaited<ReturnType<typeof startPeer>>;
  let project: string;
  const logs: string[] = [];
  const capture = (level: string) => (fields: Record<string, unknown>, message: string) => void logs.push(`${level} ${message} ${JSON.stringify(fields)}`);
  const logger: Logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
  const answers: string[] = [];
  const saved = process.env.NIGHTSHIFT_SECRET_API_KEY;

  before(async () => {
    process.env.NIGHTSHIFT_SECRET_API_KEY = secret;
    peer = await startPeer();
    db = await createTestDatabase();
    project = mkdtempSync(join(tmpdir(), 'nightshift-secrets-'));
    mkdirSync(join(project, 'workflows'));
    writeFileSync(join(project, 'nightshift.yaml'), [
      'http:',
      '  allow: [127.0.0.1]',
      'resources:',
      '  partner-api:',
      '    type: http',
      `    url: ${peer.base}/echo`,
      '    method: POST',
      '    headers:',
      '      X-Api-Key: "${secrets.API_KEY}"',
      '',
    ].join('\n'));
    const header = { Authorization: 'Bearer ${secrets.API_KEY}' };
    const files: Record<string, string> = {
      'direct.json': workflow('direct', 'http:invoke', { url: `${peer.base}/echo`, headers: header }),
      'named.json': workflow('named', 'partner-api', { body: { hello: 'world' } }),
      'failing.json': workflow('failing', 'http:invoke', { url: `${peer.base}/fail`, method: 'POST', headers: header, body: {} }),
      'gated.json': workflow('gated', 'http:invoke', { url: `${peer.base}/gate`, headers: header }),
      'missing.json': workflow('missing', 'http:invoke', { url: `${peer.base}/echo`, headers: { Authorization: 'Bearer ${secrets.NOT_CONFIGURED}' } }),
    };
    for (const [file, text] of Object.entries(files)) writeFileSync(join(project, 'workflows', file), text);
    const config = loadConfig({ projectDir: project, env: { DATABASE_URL: db.url, NIGHTSHIFT_POLL_MS: '100' } });
    engine = await createEngine({ config, logger });
    const report = await engine.deployWorkflows();
    assert.deepEqual(report.invalid, []);
    assert.equal(report.deployed.length, 5);
  });

  after(async () => {
    if (saved === undefined) delete process.env.NIGHTSHIFT_SECRET_API_KEY;
    else process.env.NIGHTSHIFT_SECRET_API_KEY = saved;
    await engine?.stop();
    await db?.drop();
    await peer?.close();
    rmSync(project, { recursive: true, force: true });
  });

  const app = () => createApp({ ...engine.deps, logger, auth: { disabled: true } });

  async function request(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await app().request(path, init);
    const text = await response.text();
    answers.push(text);
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  }

  async function run(name: string): Promise<Record<string, unknown>> {
    const started = await request(`/v1/workflows/${name}/executions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    return finished(String(started.body.executionId));
  }

  async function finished(id: string): Promise<Record<string, unknown>> {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const { body } = await request(`/v1/executions/${id}`);
      if (body.status !== 'RUNNING') {
        await request(`/v1/executions/${id}/history`);
        return body;
      }
    }
    assert.fail(`execution ${id} did not finish`);
  }

  it('sends the header to the server and keeps the value out of the answer', async () => {
    const direct = await run('direct');
    assert.equal(direct.status, 'SUCCEEDED', JSON.stringify(direct));
    assert.equal(peer.seen.at(-1)?.headers.authorization, `Bearer ${secret}`);
    // The server echoed the header: the output holds the redaction, not the value.
    assert.match(JSON.stringify(direct.output), /Bearer \[redacted\]/);

    const named = await run('named');
    assert.equal(named.status, 'SUCCEEDED', JSON.stringify(named));
    assert.equal(peer.seen.at(-1)?.headers['x-api-key'], secret);
  });

  it('redacts the value from a failure cause that quoted it', async () => {
    const failing = await run('failing');
    assert.equal(failing.status, 'FAILED');
    assert.equal(failing.error, 'States.Http.StatusCode.500');
    assert.match(String(failing.cause), /\[redacted\]/);
    assert.equal(peer.seen.at(-1)?.headers.authorization, `Bearer ${secret}`);
  });

  it('fails with Secrets.NotFound naming the secret that is not configured', async () => {
    const missing = await run('missing');
    assert.equal(missing.status, 'FAILED');
    assert.equal(missing.error, 'Secrets.NotFound');
    assert.match(String(missing.cause), /\$\{secrets\.NOT_CONFIGURED\}/);
  });

  it('keeps the reference, not the value, in the job payload while the call is in flight', async () => {
    const started = await request('/v1/workflows/gated/executions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await peer.gateReached;
    const jobs = await db.sql.unsafe<Array<{ payload: string }>>('select payload::text as payload from nightshift.jobs');
    const payloads = jobs.map((job) => job.payload).join('\n');
    assert.match(payloads, /Bearer \$\{secrets\.API_KEY\}/);
    for (const form of variants(secret)) assert.ok(!payloads.includes(form), `a job payload holds ${form}`);
    peer.openGate();
    assert.equal((await finished(String(started.body.executionId))).status, 'SUCCEEDED');
  });

  it('leaves the value nowhere: every table, the API answers and the logs', async () => {
    const events = await db.sql.unsafe<Array<{ row: string }>>("select row_to_json(e)::text as row from nightshift.history_events e where e.type = 'TaskScheduled'");
    assert.ok(events.some((e) => e.row.includes('Bearer ${secrets.API_KEY}')), 'TaskScheduled keeps the reference');

    const tables = await db.sql.unsafe<Array<{ name: string }>>("select table_name as name from information_schema.tables where table_schema = 'nightshift' and table_type = 'BASE TABLE'");
    assert.ok(['history', 'executions', 'jobs'].every((t) => tables.some((row) => row.name === t)));
    for (const { name } of tables) {
      const rows = await db.sql.unsafe<Array<{ row: string }>>(`select row_to_json(t)::text as row from nightshift.${name} t`);
      const text = rows.map((r) => r.row).join('\n');
      for (const form of variants(secret)) assert.ok(!text.includes(form), `nightshift.${name} holds ${form}`);
    }
    const executions = await db.sql.unsafe<Array<{ n: number }>>('select count(*)::int as n from nightshift.executions');
    assert.ok(executions[0].n >= 5);

    await request('/v1/executions');
    assert.ok(answers.length > 10);
    const everything = [...answers, ...logs].join('\n');
    for (const form of variants(secret)) assert.ok(!everything.includes(form), `an API answer or log line holds ${form}`);
  });
});
