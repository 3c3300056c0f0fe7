/**
 * Named resources from nightshift.yaml: how a preset and a Task's parameters merge (against a real HTTP server
 * and a real SMTP server on 127.0.0.1), how the configuration is checked, and the three shipped examples run
 * end to end through `nightshift execute` against local stand-ins for Slack, Postmark and Stripe.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalEngine } from '../../src/boot/index.ts';
import { prepareIntegrations } from '../../src/boot/integrations.ts';
import { createSmtpTransport } from '../../src/boot/smtp.ts';
import { main } from '../../src/cli/main.ts';
import { createSecretSource, findProjectDir, loadConfig } from '../../src/config/index.ts';
import {
  assertPresets,
  createEmailResource,
  createHttpResource,
  createNamedResource,
  registerBuiltinResources,
  registerNamedResources,
  ResourceRegistry,
  type NamedResourceDeps,
  type ResourceHandler,
  type ResourcePreset,
  type SecretSource,
} from '../../src/resources/index.ts';
import { EngineError, type Json, type JsonObject } from '../../src/shared/index.ts';
import { startHttpPeer, type HttpPeer } from '../support/http-peer.ts';
import { makeContext } from '../support/resource-contract.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { taskFailure } from '../support/task-failure.ts';

const secrets: SecretSource = {
  secret: (name) => ({ API_KEY: 'key-123-very-secret' } as Record<string, string>)[name],
  env: (name) => ({ REGION: 'eu-west' } as Record<string, string>)[name],
};

function depsWith(handlers: Partial<Record<'http' | 'email' | 'sql', ResourceHandler>>): NamedResourceDeps {
  return { secrets, handlerOf: (type) => handlers[type] };
}

const object = (value: Json | undefined): JsonObject => value as JsonObject;

describe('named http presets', () => {
  let peer: HttpPeer;
  before(async () => {
    peer = await startHttpPeer();
  });
  after(() => peer.close());

  const preset = (): ResourcePreset => ({
    type: 'http',
    url: `${peer.base}/echo`,
    method: 'POST',
    headers: { 'X-Api-Key': '${secrets.API_KEY}', 'X-Call': '${context.idempotencyKey}' },
    query: { region: '${env.REGION}' },
    body: { source: 'nightshift', nested: { a: 1, b: 2 }, list: [1, 2] },
  });
  const http = () => createNamedResource('echo-api', preset(), depsWith({ http: createHttpResource({ allowPrivateNetworks: true }) }));

  it('merges the Task into the preset: fixed url, method, headers and query keys; the Task adds and wins in the body', async () => {
    const context = makeContext({ executionId: 'exec-9', stateName: 'Call' });
    const result = object(await http()({ headers: { 'X-Trace': 't-1' }, query: { page: 2 }, body: { nested: { b: 3 }, list: [9], text: 'hi' }, timeoutSeconds: 5 }, context));
    const seen = peer.seen.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/echo?region=eu-west&page=2');
    assert.equal(seen.headers['x-api-key'], 'key-123-very-secret');
    assert.equal(seen.headers['x-call'], 'exec-9:Call:0');
    assert.equal(seen.headers['x-trace'], 't-1');
    assert.deepEqual(JSON.parse(seen.body), { source: 'nightshift', nested: { a: 1, b: 3 }, list: [9], text: 'hi' });
    // The server echoed the key: the answer carries the reference's place, not its value.
    assert.equal(object(object(object(result.body).headers))['x-api-key'], '[redacted]');
    assert.ok(!JSON.stringify(result).includes('key-123-very-secret'));
  });

  it('refuses a Task that sets a field the preset fixes, naming the field and sending nothing', async () => {
    const before = peer.seen.length;
    const inputs: Array<[Json, string]> = [
      [{ url: 'https://elsewhere.example/' }, 'url'],
      [{ method: 'GET' }, 'method'],
      [{ headers: { 'x-api-key': 'mine' } }, 'headers.x-api-key'],
      [{ query: { region: 'us' } }, 'query.region'],
      [{ bodyEncoding: 'json' }, 'bodyEncoding'],
    ];
    for (const [input, field] of inputs) {
      const thrown = await taskFailure(http()(input, makeContext()));
      assert.equal(thrown.error, 'Http.InvalidInput');
      assert.match(thrown.causeText ?? '', new RegExp(`^echo-api: ${field.replace('.', '\\.')} is fixed`));
    }
    assert.equal(peer.seen.length, before);
  });

  it('resolves references only in the Task strings its author wrote, never in a value from data', async () => {
    const authored = { headers: { 'X-Forward': 'Bearer ${secrets.API_KEY}' }, body: { text: '${env.REGION}' } };
    const input = { headers: { 'X-Forward': 'Bearer ${secrets.API_KEY}', 'X-Data': '${secrets.API_KEY}' }, body: { text: '${env.REGION}', data: '${secrets.API_KEY}' } };
    await http()(input, makeContext({ authored }));
    const seen = peer.seen.at(-1)!;
    assert.equal(seen.headers['x-forward'], 'Bearer key-123-very-secret');
    assert.equal(seen.headers['x-data'], '${secrets.API_KEY}');
    assert.deepEqual(JSON.parse(seen.body), { source: 'nightshift', nested: { a: 1, b: 2 }, list: [1, 2], text: 'eu-west', data: '${secrets.API_KEY}' });
  });

  it('fails with Secrets.NotFound naming the secret, and uses an env fallback when the variable is unset', async () => {
    const missing = createNamedResource('m', { type: 'http', url: `${peer.base}/echo`, headers: { Authorization: 'Bearer ${secrets.NOT_SET}' } }, depsWith({ http: createHttpResource({ allowPrivateNetworks: true }) }));
    const thrown = await taskFailure(missing({}, makeContext()));
    assert.equal(thrown.error, 'Secrets.NotFound');
    assert.match(thrown.causeText ?? '', /\$\{secrets\.NOT_SET\}/);
    const fallback = createNamedResource('f', { type: 'http', url: '${env.NOT_SET:-' + peer.base + '}/echo' }, depsWith({ http: createHttpResource({ allowPrivateNetworks: true }) }));
    assert.equal(object(await fallback({}, makeContext())).status, 200);
  });

  it('form-encodes the body with nested keys in brackets when the preset says bodyEncoding: form', async () => {
    const form = createNamedResource('form', { type: 'http', url: `${peer.base}/echo`, method: 'POST', bodyEncoding: 'form', body: { currency: 'usd' } }, depsWith({ http: createHttpResource({ allowPrivateNetworks: true }) }));
    await form({ body: { amount: 2000, metadata: { order: 'o-1' }, tags: ['a', 'b'], skip: null } }, makeContext());
    const seen = peer.seen.at(-1)!;
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(decodeURIComponent(seen.body), 'currency=usd&amount=2000&metadata[order]=o-1&tags[0]=a&tags[1]=b');
  });

  it('gives http:invoke the same rule once the integrations are registered', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'nightshift-named-'));
    const config = loadConfig({ projectDir: empty, env: {} });
    rmSync(empty, { recursive: true, force: true });
    const registry = prepareIntegrations(config, secrets)(registerBuiltinResources(new ResourceRegistry(), { http: { allowPrivateNetworks: true } }));
    const invoke = registry.get('http:invoke')!;
    const authored = { headers: { Authorization: 'Bearer ${secrets.API_KEY}' }, query: { region: '${env.REGION}' } };
    const input = { url: `${peer.base}/echo`, headers: { Authorization: 'Bearer ${secrets.API_KEY}' }, query: { region: '${env.REGION}' }, body: '${secrets.API_KEY}', method: 'POST' };
    await invoke(input, makeContext({ authored }));
    assert.equal(peer.seen.at(-1)!.headers.authorization, 'Bearer key-123-very-secret');
    assert.equal(peer.seen.at(-1)!.url, '/echo?region=eu-west');
    assert.equal(peer.seen.at(-1)!.body, '${secrets.API_KEY}');
    await invoke(input, makeContext());
    assert.equal(peer.seen.at(-1)!.headers.authorization, 'Bearer ${secrets.API_KEY}', 'nothing is resolved without authored text');
    const aws = registry.get('arn:aws:states:::http:invoke')!;
    await aws({ ApiEndpoint: `${peer.base}/echo`, Method: 'GET', Headers: { 'X-Api-Key': '${secrets.API_KEY}' } }, makeContext({ authored: { Headers: { 'X-Api-Key': '${secrets.API_KEY}' } } }));
    assert.equal(peer.seen.at(-1)!.headers['x-api-key'], 'key-123-very-secret');
  });
});

describe('named email presets', () => {
  let smtp: SmtpPeer;
  before(async () => {
    smtp = await startSmtpPeer();
  });
  after(() => smtp.close());

  it('fixes from and replyTo, renders the preset\'s template, and merges data with the Task winning', async () => {
    const email = createEmailResource({
      transport: createSmtpTransport({ host: '127.0.0.1', port: smtp.port, secure: false, requireTLS: false, auth: null, from: null, timeoutSeconds: 5, templates: {} }),
      templates: { global: { subject: 'global', text: 'from smtp.templates' } },
    });
    const preset: ResourcePreset = {
      type: 'email',
      from: 'Acme <hello@acme.test>',
      replyTo: 'support@acme.test',
      data: { product: 'Acme', name: 'friend' },
      templates: { welcome: { subject: 'Welcome to {{product}}, {{name}}', html: '<p>{{name}}</p>' } },
    };
    const send = createNamedResource('send-templated-email', preset, depsWith({ email }));
    await send({ to: 'ada@example.test', template: 'welcome', data: { name: '<Ada>' } }, makeContext());
    const mail = smtp.received.at(-1)!;
    assert.equal(mail.envelope.from, 'hello@acme.test');
    assert.equal(mail.parsed.subject, 'Welcome to Acme, <Ada>');
    assert.equal(String(mail.parsed.html).trim(), '<p>&lt;Ada&gt;</p>');
    assert.match(JSON.stringify(mail.parsed.headers.get('reply-to')), /support@acme\.test/);
    await send({ to: 'ada@example.test', template: 'global' }, makeContext());
    assert.equal(smtp.received.at(-1)!.parsed.subject, 'global');
    assert.equal((await taskFailure(send({ to: 'ada@example.test', template: 'welcome', from: 'me@evil.test' }, makeContext()))).error, 'Email.InvalidInput');
  });

  it("maps its callers' parameters onto email:send's fields with input, and refuses to map what the preset owns", async () => {
    const email = createEmailResource({
      transport: createSmtpTransport({ host: '127.0.0.1', port: smtp.port, secure: false, requireTLS: false, auth: null, from: null, timeoutSeconds: 5, templates: {} }),
    });
    const preset: ResourcePreset = {
      type: 'email',
      from: 'Acme <hello@acme.test>',
      input: { to: '{{payload.name}} <{{payload.email}}>', template: '{{template_id}}', data: { who: '{{payload}}', extra: '{{...}}' } },
      templates: { 'welcome-email': { subject: 'Hi {{who.name}} ({{extra.plan}})', text: '{{who.email}}' } },
    };
    const send = createNamedResource('send-templated-email', preset, depsWith({ email }));
    await send({ api_key: 'ignored', template_id: 'welcome-email', plan: 'pro', payload: { name: 'Ada', email: 'ada@example.test' } }, makeContext());
    const mail = smtp.received.at(-1)!;
    assert.deepEqual(mail.envelope.to, ['ada@example.test']);
    assert.equal(mail.parsed.subject, 'Hi Ada (pro)');
    assert.equal(mail.parsed.text?.trim(), 'ada@example.test');
    assert.throws(() => assertPresets({ bad: { type: 'email', input: { from: '{{sender}}' } } }), /\/resources\/bad\/input\/from/);
  });
});

describe('named sql presets', () => {
  it('delegate to sql:query, looked up at each call, with the statement fixed and the Task\'s params', async () => {
    const registry = new ResourceRegistry();
    registerNamedResources(registry, { 'load-user': { type: 'sql', sql: 'select * from users where id = $1', params: [0] } }, {
      secrets,
      handlerOf: () => registry.get('sql:query'),
      transactionalOf: () => registry.getTransactional('sql:query'),
    });
    const handler = registry.get('load-user')!;
    assert.equal((await taskFailure(handler({ params: [1] }, makeContext()))).error, 'States.Runtime');
    const calls: Json[] = [];
    registry.registerTransactional('sql:query', async (input) => {
      calls.push(input);
      return { rows: [], rowCount: 0 };
    }, async (input) => {
      calls.push(input);
      return { rows: [], rowCount: 0 };
    });
    await handler({ params: [7] }, makeContext());
    await registry.getTransactional('load-user')!({}, makeContext(), { query: async () => ({ rows: [], rowCount: 0 }) });
    assert.deepEqual(calls, [{ sql: 'select * from users where id = $1', params: [7] }, { sql: 'select * from users where id = $1', params: [0] }]);
    assert.equal((await taskFailure(handler({ sql: 'drop table users' }, makeContext()))).error, 'Sql.InvalidInput');
  });
});

describe('nightshift.yaml: smtp, resources and secrets', () => {
  const projects: string[] = [];
  after(() => projects.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const project = (yaml: string, files: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'nightshift-config-'));
    projects.push(dir);
    writeFileSync(join(dir, 'nightshift.yaml'), yaml);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const problemsOf = (run: () => unknown): string[] => {
    try {
      run();
    } catch (e) {
      assert.ok(e instanceof EngineError && e.code === 'CONFIG_INVALID', String(e));
      return (e.details as { problems: string[] }).problems;
    }
    assert.fail('expected CONFIG_INVALID');
  };

  it('parses smtp and resources with their defaults', () => {
    const dir = project(`smtp:\n  host: mail.test\n  auth: { user: u, pass: "\${secrets.P}" }\nresources:\n  hook: { type: http, url: "https://hooks.test/x" }\n`);
    const config = loadConfig({ projectDir: dir, env: {} });
    assert.deepEqual(config.smtp, { host: 'mail.test', port: 587, secure: false, requireTLS: false, auth: { user: 'u', pass: '${secrets.P}' }, from: null, timeoutSeconds: 60, templates: {} });
    assert.deepEqual(config.resources, { hook: { type: 'http', url: 'https://hooks.test/x' } });
    assert.equal(config.secretsFile, null);
  });

  it('lists every problem with its path', () => {
    const dir = project([
      'smtp:',
      '  host: ""',
      '  colour: blue',
      'resources:',
      '  a: { type: ftp }',
      '  b: { type: http, url: "https://x.test", verb: GET }',
      '  c: { type: sql }',
      '  d: { type: http, method: FETCH }',
      '',
    ].join('\n'));
    const problems = problemsOf(() => loadConfig({ projectDir: dir, env: {} }));
    for (const path of ['/smtp/host', '/smtp', '/resources/a/type', '/resources/b', '/resources/c/sql', '/resources/d/method']) {
      assert.ok(problems.some((p) => p.includes(`${path}:`)), `no problem at ${path} in ${JSON.stringify(problems)}`);
    }
    // Once the shape is right, what the shape cannot say, also all at once.
    const semantic = project('secrets: missing.yaml\nresources:\n  mail: { type: email, from: a@b.test }\n');
    const more = problemsOf(() => loadConfig({ projectDir: semantic, env: {} }));
    assert.equal(more.length, 2, JSON.stringify(more));
    assert.ok(more.some((p) => p.includes('/resources/mail/type: an email resource needs an smtp: section')));
    assert.ok(more.some((p) => p.includes('/secrets: the secrets file')));
  });

  it('checks names and references of presets before anything starts', () => {
    const dir = project([
      'resources:',
      '  "bad:name": { type: http, url: "https://x.test" }',
      '  ctx: { type: http, url: "https://x.test/${context.nope}" }',
      '  fallback: { type: http, url: "https://x.test", headers: { A: "${secrets.K:-default}" } }',
      '  loose: { type: http, headers: { Authorization: "Bearer ${secrets.K}" } }',
      '',
    ].join('\n'));
    const config = loadConfig({ projectDir: dir, env: {} });
    const problems = problemsOf(() => prepareIntegrations(config, secrets));
    assert.equal(problems.length, 4, JSON.stringify(problems));
    assert.match(problems.join('\n'), /\/resources\/bad:name: a resource name/);
    assert.match(problems.join('\n'), /\/resources\/ctx\/url: \$\{context\.nope\} is not a context field/);
    assert.match(problems.join('\n'), /\/resources\/fallback\/headers\/A: \$\{secrets\.K\} cannot have a fallback/);
    assert.match(problems.join('\n'), /\/resources\/loose\/url: an http preset that sends secrets must fix its url/);
  });

  it('reads secrets from NIGHTSHIFT_SECRET_<NAME>, then the secrets file, again when the file changes', () => {
    const dir = project('secrets: .secrets.yaml\n', { '.secrets.yaml': 'TOKEN: from-file\nOTHER: other-value\n' });
    const config = loadConfig({ projectDir: dir, env: {} });
    assert.equal(config.secretsFile, join(dir, '.secrets.yaml'));
    const source = createSecretSource({ file: config.secretsFile, env: { NIGHTSHIFT_SECRET_TOKEN: 'from-env', PATH_LIKE: '/bin' } });
    assert.equal(source.secret('TOKEN'), 'from-env');
    assert.equal(source.secret('OTHER'), 'other-value');
    assert.equal(source.secret('NONE'), undefined);
    assert.equal(source.secret('toString'), undefined);
    assert.equal(source.env('PATH_LIKE'), '/bin');
    writeFileSync(join(dir, '.secrets.yaml'), 'OTHER: rotated-value\n');
    utimesSync(join(dir, '.secrets.yaml'), new Date(), new Date(Date.now() + 5000));
    assert.equal(source.secret('OTHER'), 'rotated-value');
    writeFileSync(join(dir, '.secrets.yaml'), 'OTHER: "unclosed-secret-value\n');
    utimesSync(join(dir, '.secrets.yaml'), new Date(), new Date(Date.now() + 10000));
    assert.throws(() => source.secret('OTHER'), (e: Error) => /not valid YAML/.test(e.message) && !e.message.includes('unclosed-secret-value'));
  });

  it('finds the project of a workflow file by its nearest nightshift.yaml', () => {
    const examples = resolve(import.meta.dirname, '../../examples/integrations');
    assert.equal(findProjectDir(join(examples, 'workflows/notify-slack.yaml')), examples);
  });
});

describe('the integration examples, through nightshift execute', () => {
  const examples = resolve(import.meta.dirname, '../../examples/integrations');
  const token = 'pm-server-token-5ecret';
  const stripeKey = 'sk_test_51NeverPrinted';
  let http: HttpPeer;
  let smtp: SmtpPeer;
  const saved = { ...process.env };

  before(async () => {
    http = await startHttpPeer();
    smtp = await startSmtpPeer({ auth: { user: token, pass: token } });
    Object.assign(process.env, {
      NIGHTSHIFT_SECRET_SLACK_WEBHOOK_URL: `${http.base}/services/T000/B000/XXXX`,
      NIGHTSHIFT_SECRET_STRIPE_SECRET_KEY: stripeKey,
      NIGHTSHIFT_SECRET_POSTMARK_SERVER_TOKEN: token,
      STRIPE_API_BASE: http.base,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_REQUIRE_TLS: 'false',
    });
  });
  after(async () => {
    process.env = saved;
    await http.close();
    await smtp.close();
  });

  async function execute(workflow: string, input: Json, ...flags: string[]): Promise<{ code: number; result: JsonObject; printed: string }> {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text) };
    const code = await main(['execute', join(examples, 'workflows', workflow), '--input', JSON.stringify(input), ...flags], io);
    assert.equal(stdout.trim().split('\n').length, 1, `stdout: ${stdout} stderr: ${stderr}`);
    const printed = stdout + stderr;
    for (const secret of [token, stripeKey, '/services/T000/B000/XXXX']) assert.ok(!printed.includes(secret), `printed ${secret}: ${printed}`);
    return { code, result: JSON.parse(stdout) as JsonObject, printed };
  }

  it('notify-slack posts the message to the webhook', async () => {
    const { code, result } = await execute('notify-slack.yaml', { message: 'Deploy finished' });
    assert.equal(code, 0, JSON.stringify(result));
    assert.deepEqual(result, { status: 'SUCCEEDED', output: { status: 200, answer: 'ok' } });
    const seen = http.seen.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/services/T000/B000/XXXX');
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen.body), { text: 'Deploy finished' });
  });

  it('email-users (the seed) sends the welcome email to inserted users only, a day later', async () => {
    const before = smtp.received.length;
    const changes = [
      { type: 'INSERT', record: { email: 'ada@example.test' } },
      { type: 'UPDATE', record: { email: 'bob@example.test' } },
    ];
    const { code, result } = await execute('email-users.yaml', { changes }, '--fast-forward');
    assert.equal(code, 0, JSON.stringify(result));
    assert.equal(smtp.received.length, before + 1);
    const mail = smtp.received.at(-1)!;
    assert.deepEqual(mail.envelope, { from: 'hello@acme.example', to: ['ada@example.test'] });
    assert.equal(mail.parsed.subject, 'Welcome to Acme!');
    assert.match(mail.parsed.text ?? '', /Your workspace is ready/);
    assert.match(JSON.stringify(mail.parsed.headers.get('reply-to')), /support@acme\.example/);
    assert.deepEqual(smtp.logins.at(-1), { user: token, pass: token });
  });

  it('charge-at-trial-end charges with the key and an idempotency key, form-encoded', async () => {
    const { code, result } = await execute('charge-at-trial-end.yaml', { customer: 'cus_123', paymentMethod: 'pm_card_visa', amount: 2000 });
    assert.equal(code, 0, JSON.stringify(result));
    assert.deepEqual(object(object(result.output).charge), { paymentIntent: 'pi_123', status: 'succeeded' });
    const seen = http.seen.at(-1)!;
    assert.equal(seen.url, '/v1/payment_intents');
    assert.equal(seen.headers.authorization, `Bearer ${stripeKey}`);
    assert.match(String(seen.headers['idempotency-key']), /^[^:]+:Charge:0$/);
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(seen.body);
    assert.deepEqual(
      { amount: form.get('amount'), currency: form.get('currency'), confirm: form.get('confirm'), customer: form.get('customer'), pm: form.get('payment_method') },
      { amount: '2000', currency: 'usd', confirm: 'true', customer: 'cus_123', pm: 'pm_card_visa' },
    );
    assert.equal(form.get('metadata[execution]'), String(seen.headers['idempotency-key']).split(':Charge:')[0]);
  });

  it('charge-at-trial-end tells Slack and fails when the card is declined', async () => {
    const { code, result } = await execute('charge-at-trial-end.yaml', { customer: 'cus_9', paymentMethod: 'pm_card_declined', amount: 402 });
    assert.equal(code, 1);
    assert.equal(result.error, 'Charge.Declined');
    const slack = http.seen.at(-1)!;
    assert.equal(slack.url, '/services/T000/B000/XXXX');
    assert.deepEqual(JSON.parse(slack.body), { text: 'The card of cus_9 was declined for 402 cents.' });
  });

  it('registers every named resource in the local engine of a project', async () => {
    const engine = await createLocalEngine({ config: loadConfig({ projectDir: examples }) });
    try {
      for (const name of ['slack-notify', 'send-templated-email', 'stripe-charge', 'email:send']) assert.ok(engine.registry.has(name), name);
    } finally {
      await engine.close();
    }
  });
});
