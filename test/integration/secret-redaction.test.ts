/**
 * A secret is redacted as a whole, in every form it comes back in. Random secrets of every character class
 * (letters, digits, `/ + = " & \ %`, space, non-ASCII; 8 to 64 characters; fast-check with a fixed seed) are
 * sent by a durable workflow in a query string, a JSON body and a header to a real HTTP server on 127.0.0.1
 * that echoes the request (url, headers, body) with base64 forms of the header (as is and as `user:secret`
 * basic auth), once with 200 and once with 500 (the failure cause quotes the body). Then no 8-character run
 * of the secret — as is, JSON-escaped once or twice, URL-encoded either way, or in base64 — may appear in the
 * task results, the history, the API's answers, the logs, or any row of the nightshift schema.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createApp } from '../../src/api/index.ts';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { createSecretSource, loadConfig } from '../../src/config/index.ts';
import { SecretScope } from '../../src/resources/index.ts';
import type { Logger } from '../../src/shared/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { makeContext } from '../support/resource-contract.ts';

const json = (text: string) => JSON.stringify(text).slice(1, -1);
const form = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);

/** Base64 of the secret's bytes at each alignment, without the groups shared with what surrounds it. */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [0, 1, 2].flatMap((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor(encoded.length / 3) * 4;
    return [encoded.toString('base64').slice(start, end), encoded.toString('base64url').slice(start, end)];
  });
}

/** The first form of an 8-character run of the secret found in `text`, or null. */
function leak(text: string, secret: string): string | null {
  const runs = new Set<string>();
  const chars = [...secret];
  for (let i = 0; i + 8 <= chars.length; i++) {
    const run = chars.slice(i, i + 8).join('');
    for (const shape of [run, json(run), json(json(run)), encodeURIComponent(run), form(run)]) runs.add(shape);
  }
  for (const core of base64Cores(secret)) for (let i = 0; i + 8 <= core.length; i++) runs.add(core.slice(i, i + 8));
  for (const run of runs) if (text.includes(run)) return run;
  return null;
}

async function startEcho(): Promise<{ base: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const header = String(request.headers['x-secret'] ?? '');
      const echo = {
        url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString(),
        base64: Buffer.from(header).toString('base64'), basic: `Basic ${Buffer.from(`user:${header}`).toString('base64')}`,
      };
      const text = JSON.stringify(echo);
      response.writeHead(request.url?.startsWith('/fail') ? 500 : 200, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const alphabet = [...'abcXYZ019/+="&\\% ', 'é', 'ü', 'ß', '日', '本', '€', '😀'];
const secrets = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 8, maxLength: 64 });

describe('secret redaction', () => {
  let db: TestDatabase;
  let engine: Engine;
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let project: string;
  const env: Record<string, string> = {};
  const logs: string[] = [];
  const capture = (level: string) => (fields: Record<string, unknown>, message: string) => void logs.push(`${level} ${message} ${JSON.stringify(fields)}`);
  const logger: Logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };

  before(async () => {
    echo = await startEcho();
    db = await createTestDatabase();
    project = mkdtempSync(join(tmpdir(), 'nightshift-redaction-'));
    mkdirSync(join(project, 'workflows'));
    writeFileSync(join(project, 'nightshift.yaml'), 'http:\n  allow: [127.0.0.1]\n');
    const call = (name: string, parameters: object, next: string | null) => ({
      Type: 'Task', Resource: 'http:invoke', Parameters: parameters, ResultPath: `$.${name}`,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: `$.${name}Error`, ...(next ? { Next: next } : { Next: 'Done' }) }],
      ...(next ? { Next: next } : { Next: 'Done' }),
    });
    const definition = {
      StartAt: 'Query',
      States: {
        Query: call('query', { url: `${echo.base}/echo?p=\${secrets.P}`, method: 'POST', query: { q: '${secrets.P}' }, body: { s: '${secrets.P}', t: 'a ${secrets.P} b' } }, 'Header'),
        Header: call('header', { url: `${echo.base}/echo`, headers: { 'X-Secret': '${secrets.P}' } }, 'Failing'),
        Failing: call('failing', { url: `${echo.base}/fail`, method: 'POST', headers: { 'X-Secret': '${secrets.P}' }, body: '${secrets.P}' }, null),
        Done: { Type: 'Succeed' },
      },
    };
    writeFileSync(join(project, 'workflows', 'leaky.json'), JSON.stringify({ name: 'leaky', definition }));
    const config = loadConfig({ projectDir: project, env: { DATABASE_URL: db.url, NIGHTSHIFT_POLL_MS: '50' } });
    engine = await createEngine({ config, secrets: createSecretSource({ env }), logger });
    assert.deepEqual((await engine.deployWorkflows()).invalid, []);
  });

  after(async () => {
    await engine?.stop();
    await db?.drop();
    await echo?.close();
    rmSync(project, { recursive: true, force: true });
  });

  it('leaves no 8-character run of a random secret in results, history, API answers or stored rows', async () => {
    const app = createApp({ ...engine.deps, auth: { disabled: true } });
    const answer = async (path: string, init?: RequestInit) => (await app.request(path, init)).text();
    await fc.assert(
      fc.asyncProperty(secrets, async (secret) => {
        env.NIGHTSHIFT_SECRET_P = secret;
        const started = JSON.parse(await answer('/v1/workflows/leaky/executions?wait=20', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
        const id = String(started.executionId);
        const answers = [JSON.stringify(started), await answer(`/v1/executions/${id}`), await answer(`/v1/executions/${id}/history`)];
        assert.equal(JSON.parse(answers[1]).status, 'SUCCEEDED', answers[1]);
        const all = [...answers, ...logs].join('\n');
        const found = leak(all, secret);
        const around = found === null ? '' : all.slice(Math.max(0, all.indexOf(found) - 150), all.indexOf(found) + 100);
        assert.equal(found, null, `the API answered or logged ${JSON.stringify(found)} of ${JSON.stringify(secret)} in …${around}…`);
        const tables = await db.sql.unsafe<Array<{ name: string }>>("select table_name as name from information_schema.tables where table_schema = 'nightshift' and table_type = 'BASE TABLE'");
        for (const { name } of tables) {
          const rows = await db.sql.unsafe<Array<{ row: string }>>(`select row_to_json(t)::text as row from nightshift.${name} t`);
          const stored = leak(rows.map((r) => r.row).join('\n'), secret);
          assert.equal(stored, null, `nightshift.${name} holds ${JSON.stringify(stored)} of ${JSON.stringify(secret)}`);
        }
      }),
      { seed: 20261207, numRuns: 25, endOnFailure: true },
    );
  });

  it('redacts the AWS-style secret of the report whole', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+x=';
    env.NIGHTSHIFT_SECRET_P = secret;
    const app = createApp({ ...engine.deps, auth: { disabled: true } });
    const started = await (await app.request('/v1/workflows/leaky/executions?wait=20', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).text();
    const history = await (await app.request(`/v1/executions/${JSON.parse(started).executionId}/history`)).text();
    for (const text of [started, history]) {
      assert.ok(!text.includes('K7MDENG'), text);
      assert.ok(!text.includes('EXAMPLEKEY'), text);
    }
  });
});

describe('a failure that quotes a secret', () => {
  it('is redacted in its message, stack, fields, lists and nested causes', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+x=';
    const scope = new SecretScope(createSecretSource({ env: { NIGHTSHIFT_SECRET_K: secret } }), makeContext());
    scope.resolveText('${secrets.K}', 'test');
    const inner = new Error(`connect to ${encodeURIComponent(secret)} failed`);
    const thrown = Object.assign(new Error(`bad key "${secret}"`, { cause: inner }), { detail: JSON.stringify({ key: secret }), parameters: [secret, 1] });
    const redacted = scope.redactFailure(thrown) as Error & { detail: string; parameters: unknown[] };
    const text = [redacted.message, redacted.stack, redacted.detail, JSON.stringify(redacted.parameters), (redacted.cause as Error).message, (redacted.cause as Error).stack].join('\n');
    assert.ok(!text.includes('K7MDENG') && !text.includes('EXAMPLEKEY'), text);
    assert.match(redacted.message, /bad key "\[redacted\]"/);
  });
});
