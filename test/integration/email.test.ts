/** email:send against a real SMTP server on loopback, checking what arrived. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSmtpTransport } from '../../src/boot/smtp.ts';
import type { SmtpConfig } from '../../src/config/index.ts';
import { createEmailResource, type EmailResourceOptions } from '../../src/resources/index.ts';
import type { Json, JsonObject } from '../../src/shared/index.ts';
import { makeContext, resourceContract } from '../support/resource-contract.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { taskFailure } from '../support/task-failure.ts';

function smtpSettings(port: number, overrides: Partial<SmtpConfig> = {}): SmtpConfig {
  return { host: '127.0.0.1', port, secure: false, requireTLS: false, auth: null, from: null, timeoutSeconds: 5, templates: {}, ...overrides };
}

function emailResource(port: number, options: Partial<EmailResourceOptions> & { smtp?: Partial<SmtpConfig> } = {}) {
  const { smtp, ...rest } = options;
  return createEmailResource({ transport: createSmtpTransport(smtpSettings(port, smtp)), defaults: { from: 'Nightshift <robot@nightshift.test>' }, ...rest });
}

const object = (value: Json): JsonObject => value as JsonObject;

describe('email:send', () => {
  let peer: SmtpPeer;
  before(async () => {
    peer = await startSmtpPeer();
  });
  after(() => peer.close());

  it('delivers to, cc and bcc with the subject, text and html', async () => {
    const send = emailResource(peer.port);
    const result = object(await send({
      to: ['ada@example.test', 'Grace Hopper <grace@example.test>'],
      cc: 'linus@example.test',
      bcc: ['hidden@example.test'],
      subject: 'Weekly digest',
      text: 'Plain body',
      html: '<p>HTML body</p>',
      replyTo: 'support@nightshift.test',
    }, makeContext()));
    const mail = peer.received.at(-1)!;
    assert.deepEqual(mail.envelope.to.sort(), ['ada@example.test', 'grace@example.test', 'hidden@example.test', 'linus@example.test']);
    assert.equal(mail.envelope.from, 'robot@nightshift.test');
    assert.equal(mail.parsed.subject, 'Weekly digest');
    assert.equal(mail.parsed.text?.trim(), 'Plain body');
    assert.equal(mail.parsed.html, '<p>HTML body</p>');
    const header = (name: string) => JSON.stringify(mail.parsed.headers.get(name) ?? null);
    assert.match(header('to'), /ada@example\.test/);
    assert.match(header('to'), /grace@example\.test/);
    assert.match(header('cc'), /linus@example\.test/);
    assert.equal(mail.parsed.headers.get('bcc'), undefined, 'Bcc must not be a header of the delivered message');
    assert.match(header('reply-to'), /support@nightshift\.test/);
    assert.deepEqual(result.accepted, ['ada@example.test', 'grace@example.test', 'linus@example.test', 'hidden@example.test']);
    assert.deepEqual(result.rejected, []);
    assert.equal(result.messageId, mail.parsed.messageId);
  });

  it('renders a template with data: HTML-escaped in html, as written in text and subject', async () => {
    const send = emailResource(peer.port, {
      templates: { welcome: { subject: 'Welcome, {{name}}!', text: 'Hi {{name}}, your plan: {{plan}}', html: '<h1>Hi {{name}}</h1><p>{{{trusted}}}</p>' } },
    });
    const name = '<script>alert("x")</script> & Co';
    await send({ to: 'ada@example.test', template: 'welcome', data: { name, plan: 'pro', trusted: '<b>bold</b>' } }, makeContext());
    const mail = peer.received.at(-1)!;
    assert.equal(mail.parsed.subject, `Welcome, ${name}!`);
    assert.equal(mail.parsed.text?.trim(), `Hi ${name}, your plan: pro`);
    assert.equal(mail.parsed.html, '<h1>Hi &lt;script&gt;alert(&quot;x&quot;)&lt;&#x2F;script&gt; &amp; Co</h1><p><b>bold</b></p>');
  });

  it('takes an inline template, lets explicit fields win, and shows no runtime object through a name', async () => {
    const send = emailResource(peer.port);
    await send({
      to: 'ada@example.test',
      subject: 'Explicit subject',
      template: { subject: 'Template subject', html: '<p>{{greeting}} {{constructor}}{{__proto__}}</p>' },
      data: { greeting: 'Hello' },
    }, makeContext());
    const mail = peer.received.at(-1)!;
    assert.equal(mail.parsed.subject, 'Explicit subject');
    assert.equal(String(mail.parsed.html).trim(), '<p>Hello </p>');
  });

  it('sends inline attachments and refuses attachments by URL or path without sending anything', async () => {
    const send = emailResource(peer.port);
    await send({
      to: 'ada@example.test',
      subject: 'Report',
      text: 'Attached.',
      attachments: [
        { filename: 'report.csv', content: 'a,b\n1,2\n', contentType: 'text/csv' },
        { filename: 'logo.png', content: Buffer.from([137, 80, 78, 71]).toString('base64'), encoding: 'base64', contentType: 'image/png' },
      ],
    }, makeContext());
    const attachments = peer.received.at(-1)!.parsed.attachments;
    assert.deepEqual(attachments.map((a) => [a.filename, a.contentType]), [['report.csv', 'text/csv'], ['logo.png', 'image/png']]);
    assert.equal(attachments[0].content.toString('utf8'), 'a,b\n1,2\n');
    assert.deepEqual([...attachments[1].content], [137, 80, 78, 71]);

    const before = peer.received.length;
    for (const attachment of [{ filename: 'x.pdf', href: 'http://169.254.169.254/latest/meta-data' }, { filename: 'x', path: '/etc/passwd' }, { filename: 'x', url: 'https://example.test/x' }]) {
      const thrown = await taskFailure(send({ to: 'ada@example.test', subject: 's', text: 't', attachments: [attachment] }, makeContext()));
      assert.equal(thrown.error, 'Email.AttachmentRefused');
    }
    assert.equal(peer.received.length, before);
  });

  it('fails with Email.Rejected when the server refuses every recipient, and lists a partial refusal', async () => {
    const send = emailResource(peer.port);
    const before = peer.received.length;
    const thrown = await taskFailure(send({ to: 'reject-me@example.test', subject: 's', text: 't' }, makeContext()));
    assert.equal(thrown.error, 'Email.Rejected');
    assert.match(thrown.causeText ?? '', /550|unavailable/);
    assert.equal(peer.received.length, before);

    const partial = object(await send({ to: ['ada@example.test', 'reject-too@example.test'], subject: 's', text: 't' }, makeContext()));
    assert.deepEqual(partial.accepted, ['ada@example.test']);
    assert.deepEqual(partial.rejected, ['reject-too@example.test']);
    assert.deepEqual(peer.received.at(-1)!.envelope.to, ['ada@example.test']);

    const later = await taskFailure(send({ to: 'later@example.test', subject: 's', text: 't' }, makeContext()));
    assert.equal(later.error, 'Email.TemporaryFailure');
  });

  it('derives the Message-ID from the idempotency key, so a redelivered attempt repeats it', async () => {
    const send = emailResource(peer.port);
    const input = { to: 'ada@example.test', subject: 's', text: 't' };
    const first = object(await send(input, makeContext({ executionId: 'e-1' })));
    const again = object(await send(input, makeContext({ executionId: 'e-1' })));
    const other = object(await send(input, makeContext({ executionId: 'e-2' })));
    assert.equal(first.messageId, again.messageId);
    assert.notEqual(first.messageId, other.messageId);
    assert.match(String(first.messageId), /^<[0-9a-f]{32}@nightshift\.test>$/);
  });

  it('fails with Email.InvalidInput on a bad input, before connecting', async () => {
    const send = emailResource(peer.port);
    const inputs: Json[] = [
      'not an object',
      { subject: 's', text: 't' },
      { to: 'ada@example.test', text: 't' },
      { to: 'ada@example.test', subject: 's' },
      { to: 'ada@example.test\r\nBcc: victim@example.test', subject: 's', text: 't' },
      { to: 'not-an-address', subject: 's', text: 't' },
      { to: 'ada@example.test', subject: 's', text: 't', host: 'evil.test' },
      { to: 'ada@example.test', template: 'missing' },
      { to: 'ada@example.test', template: { html: '{{#open}}' } },
      { to: 'ada@example.test', subject: 's', text: 't', attachments: [{ filename: '../x', content: 'x' }] },
    ];
    for (const input of inputs) assert.equal((await taskFailure(send(input, makeContext()))).error, 'Email.InvalidInput', JSON.stringify(input));
    const noSender = createEmailResource({ transport: createSmtpTransport(smtpSettings(peer.port)) });
    assert.equal((await taskFailure(noSender({ to: 'ada@example.test', subject: 's', text: 't' }, makeContext()))).error, 'Email.InvalidInput');
  });

  it('fails with States.Timeout when the server does not answer in time', async () => {
    const send = emailResource(peer.port, { timeoutSeconds: 0.3 });
    const started = Date.now();
    assert.equal((await taskFailure(send({ to: 'slow@example.test', subject: 's', text: 't' }, makeContext()))).error, 'States.Timeout');
    assert.ok(Date.now() - started < 2000);
  });

  it('fails with Email.Connection when nothing listens', async () => {
    const send = emailResource(await closedPort());
    assert.equal((await taskFailure(send({ to: 'ada@example.test', subject: 's', text: 't' }, makeContext()))).error, 'Email.Connection');
  });
});

describe('email:send with SMTP credentials from secrets', () => {
  let peer: SmtpPeer;
  const password = 'smtp-pa55-word-never-shown';
  before(async () => {
    peer = await startSmtpPeer({ auth: { user: 'mailer', pass: password } });
  });
  after(() => peer.close());

  const smtp = (port: number): Partial<SmtpConfig> => ({ auth: { user: 'mailer', pass: '${secrets.SMTP_PASSWORD}' }, port });

  it('resolves the password at call time and logs in with it', async () => {
    let current = 'wrong-at-first';
    const send = emailResource(peer.port, { smtp: smtp(peer.port), secrets: { secret: () => current, env: () => undefined } });
    const wrong = await taskFailure(send({ to: 'ada@example.test', subject: 's', text: 't' }, makeContext()));
    assert.equal(wrong.error, 'Email.Rejected');
    assert.ok(!wrong.message.includes('wrong-at-first'));
    current = password;
    await send({ to: 'ada@example.test', subject: 'after rotation', text: 't' }, makeContext());
    assert.equal(peer.received.at(-1)!.parsed.subject, 'after rotation');
    assert.deepEqual(peer.logins.map((l) => l.pass), ['wrong-at-first', password]);
  });

  it('fails with Secrets.NotFound naming the secret when it is not set', async () => {
    const send = emailResource(peer.port, { smtp: smtp(peer.port), secrets: { secret: () => undefined, env: () => undefined } });
    const thrown = await taskFailure(send({ to: 'ada@example.test', subject: 's', text: 't' }, makeContext()));
    assert.equal(thrown.error, 'Secrets.NotFound');
    assert.match(thrown.causeText ?? '', /SMTP_PASSWORD/);
  });
});

resourceContract('email:send', async () => {
  const peer = await startSmtpPeer();
  return {
    handler: emailResource(peer.port),
    validInput: { to: 'ada@example.test', subject: 'contract', text: 'hello' },
    failingInput: { to: 'reject@example.test', subject: 'contract', text: 'hello' },
    expectedError: 'Email.Rejected',
    slowInput: { to: 'slow@example.test', subject: 'contract', text: 'hello' },
    effects: () => peer.received.length,
    close: () => peer.close(),
  };
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
