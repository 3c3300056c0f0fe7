/**
 * Execution data never names a secret. A `${secrets.NAME}` or `${env.NAME}` that reaches a Task's parameters
 * through data — the execution's input, a previous state's output, a task's result, a string built by JSONata
 * or by States.Format — is sent as it is, in every field a resource sends (URL, query, headers, Authorization,
 * body, email to/subject/text/html/template data, named resources), by both runtimes: the durable engine
 * (boot's createEngine on a test database) and the in-memory runner of `nightshift execute`. The peers are a
 * real HTTP server and a real SMTP server on 127.0.0.1. References the author wrote in the Task's parameters and
 * in nightshift.yaml are still resolved (the X-Authored and X-Preset headers).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadWorkflow } from '../../src/asl/index.ts';
import { createEngine, createLocalEngine, type Engine, type LocalEngine } from '../../src/boot/index.ts';
import { createSecretSource, loadConfig, type Config } from '../../src/config/index.ts';
import { executionHistory, startExecution, waitForExecution } from '../../src/service/index.ts';
import type { Json, JsonObject } from '../../src/shared/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startHttpPeer, type HttpPeer } from '../support/http-peer.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

const values = { TOKEN: 'tok-DATA-9f8e7d6c5b4a', ENV: 'env-DATA-1a2b3c4d5e6f', AUTHOR: 'author-OK-0a0b0c0d', PRESET: 'preset-OK-77aa88bb' };
const env = {
  NIGHTSHIFT_SECRET_TOKEN: values.TOKEN,
  NIGHTSHIFT_SECRET_AUTHOR: values.AUTHOR,
  NIGHTSHIFT_SECRET_PRESET: values.PRESET,
  NS_DATA_SECRET: values.ENV,
};
const secrets = createSecretSource({ env });
/** What data carries: a reference to a secret and one to an environment variable. */
const reference = '${secrets.TOKEN}-${env.NS_DATA_SECRET}';
const leaked = [values.TOKEN, values.ENV];

/** How a string reaches the Task: each source gives a state before the Task (or none) and an expression. */
interface Source {
  name: string;
  input: Json;
  before?: JsonObject;
  jsonata?: boolean;
  /** A JSONPath `.$` expression or a JSONata `{% %}` string giving `prefix + reference + suffix`. */
  expr(prefix: string, suffix?: string): string;
}

const fromPath = (prefix: string, suffix = '') => `States.Format('${prefix}{}${suffix}', $.ref)`;
const sources: Source[] = [
  { name: 'the input', input: { ref: reference }, expr: fromPath },
  { name: "a previous state's output", input: {}, before: { Type: 'Pass', Result: { ref: reference } }, expr: fromPath },
  { name: "a task's result", input: {}, before: { Type: 'Task', Resource: 'give-reference' }, expr: fromPath },
  {
    name: 'a States.Format call',
    input: {},
    // `\{` is a literal brace in an intrinsic string: the author never wrote `${`.
    expr: (prefix, suffix = '') => `States.Format('${prefix}{}\\{secrets.TOKEN\\}-{}\\{env.NS_DATA_SECRET\\}${suffix}', '$', '$')`,
  },
  {
    name: 'a JSONata expression',
    input: {},
    jsonata: true,
    expr: (prefix, suffix = '') => `{% '${prefix}' & '$' & '{secrets.TOKEN}-' & '$' & '{env.NS_DATA_SECRET}' & '${suffix}' %}`,
  },
];

/** `{key.$: expr}` in JSONPath, `{key: expr}` in JSONata. */
const dynamic = (source: Source, key: string, prefix: string, suffix?: string): JsonObject => ({
  [source.jsonata ? key : `${key}.$`]: source.expr(prefix, suffix),
});

/** The Task's parameters per target: every field it sends filled from data, plus one authored header. */
function targets(base: string): Record<string, { resource: string; parameters(source: Source): JsonObject }> {
  return {
    'http:invoke': {
      resource: 'http:invoke',
      parameters: (s) => ({
        ...dynamic(s, 'url', `${base}/echo?p=`),
        method: 'POST',
        query: dynamic(s, 'q', ''),
        headers: { ...dynamic(s, 'X-Data', ''), ...dynamic(s, 'Authorization', 'Bearer '), 'X-Authored': '${secrets.AUTHOR}' },
        body: dynamic(s, 'b', ''),
      }),
    },
    'the AWS http:invoke alias': {
      resource: 'arn:aws:states:::http:invoke',
      parameters: (s) => ({
        ...dynamic(s, 'ApiEndpoint', `${base}/echo?p=`),
        Method: 'POST',
        QueryParameters: dynamic(s, 'q', ''),
        Headers: { ...dynamic(s, 'X-Data', ''), 'X-Authored': '${secrets.AUTHOR}' },
        ...dynamic(s, 'RequestBody', ''),
      }),
    },
    'email:send': {
      resource: 'email:send',
      parameters: (s) => ({ ...dynamic(s, 'to', 'to', '@example.test'), ...dynamic(s, 'subject', ''), ...dynamic(s, 'text', ''), ...dynamic(s, 'html', '') }),
    },
    'email:send with template data': {
      resource: 'email:send',
      parameters: (s) => ({ to: 'reader@example.test', template: { subject: 'S {{v}}', text: 'T {{v}}' }, data: dynamic(s, 'v', '') }),
    },
    'a named http resource': {
      resource: 'echo-api',
      parameters: (s) => ({ query: dynamic(s, 'q', ''), headers: { ...dynamic(s, 'X-Data', ''), 'X-Authored': '${secrets.AUTHOR}' }, body: dynamic(s, 'b', '') }),
    },
    'a named email resource': {
      resource: 'mail-api',
      parameters: (s) => ({ ...dynamic(s, 'subject', ''), ...dynamic(s, 'text', ''), data: dynamic(s, 'v', '') }),
    },
  };
}

function definition(source: Source, resource: string, parameters: JsonObject): JsonObject {
  const call: JsonObject = { Type: 'Task', Resource: resource, End: true };
  call[source.jsonata ? 'Arguments' : 'Parameters'] = parameters;
  const states: JsonObject = source.before ? { Seed: { ...source.before, Next: 'Call' }, Call: call } : { Call: call };
  return { ...(source.jsonata ? { QueryLanguage: 'JSONata' } : {}), StartAt: source.before ? 'Seed' : 'Call', States: states };
}

function writeProject(http: HttpPeer, smtp: SmtpPeer): string {
  const project = mkdtempSync(join(tmpdir(), 'nightshift-data-secrets-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'nightshift.yaml'), [
    'http:',
    '  allow: [127.0.0.1]',
    'smtp:',
    '  host: 127.0.0.1',
    `  port: ${smtp.port}`,
    '  from: engine@example.test',
    'resources:',
    '  echo-api:',
    '    type: http',
    `    url: ${http.base}/echo`,
    '    method: POST',
    '    headers:',
    '      X-Preset: "${secrets.PRESET}"',
    '  mail-api:',
    '    type: email',
    '    to: reader@example.test',
    '    template: { subject: "N {{v}}", text: "N {{v}}" }',
    '',
  ].join('\n'));
  return project;
}

/** Everything a peer got, as text, to search for a value. */
function seenText(http: HttpPeer, smtp: SmtpPeer): string {
  const mails = smtp.received.map((mail) => JSON.stringify({ envelope: mail.envelope, subject: mail.parsed.subject, text: mail.parsed.text, html: mail.parsed.html, headers: [...mail.parsed.headers] }));
  return [...http.seen.map((request) => JSON.stringify(request)), ...mails].join('\n');
}

interface Runtime {
  name: string;
  run(name: string, definition: JsonObject, input: Json): Promise<{ status: string; output?: Json; error?: string; cause?: string }>;
}

function checks(runtime: () => Runtime, peers: () => { http: HttpPeer; smtp: SmtpPeer }) {
  for (const source of sources) {
    for (const [target, make] of Object.entries(targets('BASE'))) {
      it(`sends a reference from ${source.name} literally through ${target}`, async () => {
        const { http, smtp } = peers();
        const { resource, parameters } = targets(http.base)[target];
        const seenBefore = { http: http.seen.length, smtp: smtp.received.length };
        void make;
        const name = `${target}-${source.name}`.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
        const result = await runtime().run(name, definition(source, resource, parameters(source)), source.input);
        assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
        const text = seenText(
          { ...http, seen: http.seen.slice(seenBefore.http) },
          { ...smtp, received: smtp.received.slice(seenBefore.smtp) },
        );
        for (const value of leaked) assert.ok(!text.includes(value), `the peer got the value of a reference that came from data: ${text}`);
        if (resource.includes('http') || resource === 'echo-api') {
          const request = http.seen.at(-1)!;
          assert.equal(request.headers['x-data'], reference);
          assert.equal(request.headers['x-authored'], values.AUTHOR, 'a reference the author wrote is resolved');
          if (resource === 'echo-api') assert.equal(request.headers['x-preset'], values.PRESET);
          assert.ok(decodeURIComponent(request.url).includes(reference), request.url);
          assert.ok(request.body.includes(reference.replaceAll('"', '\\"')), request.body);
        } else {
          const mail = smtp.received.at(-1)!;
          assert.ok(JSON.stringify([mail.envelope, mail.parsed.subject, mail.parsed.text]).includes(reference), JSON.stringify(mail.parsed.subject));
        }
      });
    }
  }
}

describe('references that come from data are sent literally', () => {
  let http: HttpPeer;
  let smtp: SmtpPeer;
  let project: string;
  let config: Readonly<Config>;
  const extra = { 'give-reference': () => ({ ref: reference }) };

  before(async () => {
    http = await startHttpPeer();
    smtp = await startSmtpPeer();
    project = writeProject(http, smtp);
  });
  after(async () => {
    await http?.close();
    await smtp?.close();
    rmSync(project, { recursive: true, force: true });
  });

  describe('in the in-memory runner (nightshift execute)', () => {
    let local: LocalEngine;
    before(async () => {
      config = loadConfig({ projectDir: project, env: {} });
      local = await createLocalEngine({ config, secrets });
      for (const [name, handler] of Object.entries(extra)) local.registry.register(name, handler);
    });
    after(() => local?.close());

    checks(() => ({
      name: 'memory',
      async run(name, definition, input) {
        const { workflow, problems } = loadWorkflow(JSON.stringify(definition), `${name}.json`, { isKnownResource: (r) => local.registry.has(r) });
        assert.ok(workflow, JSON.stringify(problems));
        return local.runner.run(workflow.definition, input, { workflowName: name });
      },
    }), () => ({ http, smtp }));
  });

  it('resolves the references the author wrote in every field, and `$${…}` as the text `${…}`', async () => {
    const local = await createLocalEngine({ config: loadConfig({ projectDir: project, env: {} }), secrets });
    try {
      const run = async (definition: JsonObject) => {
        const { workflow, problems } = loadWorkflow(JSON.stringify(definition), 'authored.json', { isKnownResource: (r) => local.registry.has(r) });
        assert.ok(workflow, JSON.stringify(problems));
        return local.runner.run(workflow.definition, {}, { workflowName: 'authored' });
      };
      const task = (resource: string, parameters: JsonObject) => ({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: resource, Parameters: parameters, End: true } } });
      const sent = await run(task('http:invoke', {
        url: `${http.base}/echo?p=\${secrets.AUTHOR}`,
        method: 'POST',
        query: { q: '${env.NS_DATA_SECRET}' },
        body: { b: '${secrets.AUTHOR}', escaped: '$${secrets.AUTHOR}', list: ['${context.stateName}'] },
      }));
      assert.equal(sent.status, 'SUCCEEDED', JSON.stringify(sent));
      const request = http.seen.at(-1)!;
      assert.equal(request.url, `/echo?p=${values.AUTHOR}&q=${values.ENV}`);
      assert.deepEqual(JSON.parse(request.body), { b: values.AUTHOR, escaped: '${secrets.AUTHOR}', list: ['Call'] });
      assert.ok(!JSON.stringify(sent.output).includes(values.AUTHOR), 'the echoed value is redacted from the result');
      const mailed = await run(task('email:send', { to: 'reader@example.test', subject: 'S ${secrets.AUTHOR}', text: 'T ${env.NS_DATA_SECRET}' }));
      assert.equal(mailed.status, 'SUCCEEDED', JSON.stringify(mailed));
      assert.equal(smtp.received.at(-1)!.parsed.subject, `S ${values.AUTHOR}`);
      assert.equal(smtp.received.at(-1)!.parsed.text?.trim(), `T ${values.ENV}`);
    } finally {
      local.close();
    }
  });

  it('redacts an authored value that an SMTP refusal quotes back', async () => {
    const local = await createLocalEngine({ config: loadConfig({ projectDir: project, env: {} }), secrets });
    try {
      const definition = { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'email:send', Parameters: { to: 'reject-${secrets.AUTHOR}@example.test', subject: 's', text: 't' }, End: true } } };
      const { workflow } = loadWorkflow(JSON.stringify(definition), 'refused.json', { isKnownResource: (r) => local.registry.has(r) });
      const ended = await local.runner.run(workflow!.definition, {}, { workflowName: 'refused' });
      assert.equal(ended.error, 'Email.Rejected', JSON.stringify(ended));
      assert.ok(!String(ended.cause).includes(values.AUTHOR), String(ended.cause));
      assert.match(String(ended.cause), /reject-\[redacted\]@example\.test/);
    } finally {
      local.close();
    }
  });

  describe('in the durable engine', () => {
    let db: TestDatabase;
    let engine: Engine;
    before(async () => {
      db = await createTestDatabase();
      config = loadConfig({ projectDir: project, env: { DATABASE_URL: db.url, NIGHTSHIFT_POLL_MS: '100' } });
      engine = await createEngine({ config, secrets, resources: extra });
    });
    after(async () => {
      await engine?.stop();
      await db?.drop();
    });

    checks(() => ({
      name: 'durable',
      async run(name, definition, input) {
        writeFileSync(join(project, 'workflows', `${name}.json`), JSON.stringify({ name, definition }));
        const report = await engine.deployWorkflows();
        assert.deepEqual(report.invalid, []);
        const started = await startExecution(engine.deps, { workflow: name, input });
        const view = await waitForExecution(engine.deps, started.executionId, 15_000);
        const history = JSON.stringify(await executionHistory(engine.deps, started.executionId));
        for (const value of leaked) assert.ok(!history.includes(value), 'the history holds a value');
        rmSync(join(project, 'workflows', `${name}.json`));
        return view as { status: string };
      },
    }), () => ({ http, smtp }));
  });
});
