/**
 * `email:send`: one message over SMTP per Task. The transport is injected (boot builds it with nodemailer from
 * the `smtp:` section of nightshift.yaml): host, port, TLS and credentials come from configuration, never from
 * the Task, and any `${secrets.NAME}` in them is resolved for each call and redacted from what the call answers.
 * References the author wrote in the Task's own fields are resolved by the wrapper boot registers it with
 * (withAuthoredSecrets in secrets.ts), never those that came from data.
 *
 * Input `{to, cc?, bcc?, subject?, text?, html?, template?, data?, from?, replyTo?, attachments?}`:
 * - to/cc/bcc: an address (`a@example.com` or `Name <a@example.com>`) or a list of them;
 * - template: the name of a configured template or an inline `{subject?, text?, html?}` of Mustache sources,
 *   rendered with `data`; subject, text or html given in the input win over the template's;
 * - attachments: `{filename, content, contentType?, encoding?: utf8|base64}`; an attachment by URL or path
 *   (`href`, `url`, `path`) is refused with Email.AttachmentRefused: fetching it would let a workflow read
 *   from inside the network or the disk.
 * Result `{messageId, accepted, rejected}`: a server that refuses some recipients but not all still sends, and
 * the refused ones are listed in `rejected`.
 *
 * Failures: Email.InvalidInput, Email.AttachmentRefused, Email.Rejected (the server answered 5xx: recipients,
 * message or credentials refused), Email.TemporaryFailure (4xx: try later), Email.Connection (connection, DNS
 * or TLS failed), States.Timeout, Email.Aborted. The Message-ID is derived from the idempotency key, so a
 * redelivered attempt sends the same Message-ID and a receiver can drop the copy.
 */
import { createHash } from 'node:crypto';
import { isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
import { renderTemplate, type EmailTemplate } from './email-template.ts';
import { TaskFailure, type InvocationContext, type ResourceHandler } from './resource.ts';
import { noSecrets, SecretScope, type SecretSource } from './secrets.ts';

export type { EmailTemplate } from './email-template.ts';

/** A message as nodemailer's `sendMail` takes it (the fields used here). */
export interface OutgoingEmail {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string;
  subject: string;
  text?: string;
  html?: string;
  attachments: Array<{ filename: string; content: Buffer; contentType?: string }>;
  messageId: string;
}

/** What nodemailer's `sendMail` answers (addresses may be strings or `{address}` objects). */
export interface SentEmailInfo {
  messageId?: string;
  accepted?: unknown[];
  rejected?: unknown[];
}

/** One call's connection to the SMTP server: nodemailer's transporter, plus a close that ends it at once. */
export interface EmailTransporter {
  sendMail(message: OutgoingEmail): Promise<SentEmailInfo>;
  /** Ends the connection, also in the middle of a conversation (abort, timeout). */
  close(): void;
}

/** Makes a transporter for one call; `resolve` resolves the references of a setting (`where` names it). */
export type EmailTransport = (resolve: (text: string, where: string) => string) => EmailTransporter;

export interface EmailResourceOptions {
  transport: EmailTransport;
  defaults?: { from?: string };
  /** Templates a Task can name in `template`. */
  templates?: Readonly<Record<string, EmailTemplate>>;
  /** How long one message may take, connection included. Default 60. */
  timeoutSeconds?: number;
  secrets?: SecretSource;
}

const inputFields = ['to', 'cc', 'bcc', 'subject', 'text', 'html', 'template', 'data', 'from', 'replyTo', 'attachments'];
const maxRecipients = 100;
const maxAttachments = 20;

export function createEmailResource(options: EmailResourceOptions): ResourceHandler {
  const timeoutMs = (options.timeoutSeconds ?? 60) * 1000;
  const source = options.secrets ?? noSecrets;
  return async (input, context) => {
    if (context.signal.aborted) throw new TaskFailure('Email.Aborted', 'the email was not sent: the task was aborted');
    const message = compose(input, options, context);
    const scope = new SecretScope(source, context);
    return scope.guard(() => deliver(message, options.transport, scope, context.signal, timeoutMs));
  };
}

// ------------------------------------------------------------------------------------------ the delivery

async function deliver(message: OutgoingEmail, transport: EmailTransport, scope: SecretScope, signal: AbortSignal, timeoutMs: number): Promise<Json> {
  const transporter = transport((text, where) => scope.resolveText(text, where));
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TaskFailure('States.Timeout', `the SMTP server did not take the message within ${timeoutMs / 1000} s`)), timeoutMs);
    onAbort = () => reject(new TaskFailure('Email.Aborted', 'sending was aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const info = await Promise.race([transporter.sendMail(message).catch((thrown: unknown) => Promise.reject(smtpFailure(thrown))), stopped]);
    return { messageId: info.messageId ?? message.messageId, accepted: addresses(info.accepted), rejected: addresses(info.rejected) };
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    transporter.close();
  }
}

function addresses(list: unknown[] | undefined): string[] {
  return (list ?? []).map((item) => (isJsonObject(item) && typeof item.address === 'string' ? item.address : String(item)));
}

/** nodemailer's error codes and SMTP reply codes, as ASL errors. */
function smtpFailure(thrown: unknown): unknown {
  if (!(thrown instanceof Error)) return thrown;
  const { code, responseCode, response } = thrown as Error & { code?: unknown; responseCode?: unknown; response?: unknown };
  const reply = typeof response === 'string' ? response.slice(0, 512) : thrown.message;
  if (typeof responseCode === 'number' && responseCode >= 500) return new TaskFailure('Email.Rejected', `the SMTP server refused: ${reply}`);
  if (typeof responseCode === 'number' && responseCode >= 400) return new TaskFailure('Email.TemporaryFailure', `the SMTP server answered: ${reply}`);
  if (code === 'ETIMEDOUT') return new TaskFailure('States.Timeout', `the SMTP server did not answer in time: ${thrown.message}`);
  if (typeof code === 'string' && ['ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND'].includes(code)) {
    return new TaskFailure('Email.Connection', `the SMTP server could not be reached: ${thrown.message}`);
  }
  if (thrown.message === 'Unexpected socket close') return new TaskFailure('Email.Connection', 'the SMTP server closed the connection');
  return thrown;
}

// --------------------------------------------------------------------------------------------- the input

function compose(input: Json, options: EmailResourceOptions, context: InvocationContext): OutgoingEmail {
  if (!isJsonObject(input)) throw invalid('the input must be an object');
  const unknown = Object.keys(input).filter((name) => !inputFields.includes(name));
  if (unknown.length > 0) throw invalid(`unknown field(s) ${unknown.join(', ')}; expected ${inputFields.join(', ')}`);
  const to = addressList(input.to, 'to', true);
  const cc = addressList(input.cc, 'cc', false);
  const bcc = addressList(input.bcc, 'bcc', false);
  if (to.length + cc.length + bcc.length > maxRecipients) throw invalid(`at most ${maxRecipients} recipients in to, cc and bcc together`);
  const from = input.from === undefined ? options.defaults?.from : address(input.from, 'from');
  if (from === undefined) throw invalid('from is required: give it in the input or set smtp.from in nightshift.yaml');
  const parts = { ...templateParts(input, options), ...defined({ subject: optionalText(input.subject, 'subject'), text: optionalText(input.text, 'text'), html: optionalText(input.html, 'html') }) };
  if (parts.subject === undefined) throw invalid('subject is required (or a template with a subject)');
  if (parts.text === undefined && parts.html === undefined) throw invalid('text or html is required (or a template with one)');
  const message: OutgoingEmail = {
    from,
    to,
    cc,
    bcc,
    subject: parts.subject.replace(/[\r\n]+/g, ' '),
    attachments: attachmentList(input.attachments),
    messageId: messageIdOf(context.idempotencyKey, from),
  };
  if (input.replyTo !== undefined) message.replyTo = address(input.replyTo, 'replyTo');
  if (parts.text !== undefined) message.text = parts.text;
  if (parts.html !== undefined) message.html = parts.html;
  return message;
}

function templateParts(input: JsonObject, options: EmailResourceOptions): { subject?: string; text?: string; html?: string } {
  const { template, data } = input;
  if (data !== undefined && data !== null && !isJsonObject(data)) throw invalid('data must be an object');
  if (template === undefined || template === null) return {};
  let source: EmailTemplate;
  if (typeof template === 'string') {
    const known = options.templates ?? {};
    if (!Object.hasOwn(known, template)) throw invalid(`there is no template ${JSON.stringify(template)}; known: ${Object.keys(known).join(', ') || 'none'}`);
    source = known[template];
  } else if (isJsonObject(template)) {
    source = inlineTemplate(template);
  } else {
    throw invalid('template must be the name of a template or an object {subject?, text?, html?}');
  }
  try {
    return renderTemplate(source, isJsonObject(data) ? data : {});
  } catch (thrown) {
    throw invalid(`the template does not render: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }
}

function inlineTemplate(template: JsonObject): EmailTemplate {
  const extra = Object.keys(template).filter((key) => !['subject', 'text', 'html'].includes(key));
  if (extra.length > 0) throw invalid(`template has unknown field(s) ${extra.join(', ')}; expected subject, text, html`);
  const parts = defined({ subject: optionalText(template.subject, 'template.subject'), text: optionalText(template.text, 'template.text'), html: optionalText(template.html, 'template.html') });
  if (Object.keys(parts).length === 0) throw invalid('template needs a subject, text or html');
  return parts;
}

function defined<T extends Record<string, string | undefined>>(parts: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: string };
}

function optionalText(value: Json | undefined, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  return value;
}

/** An address as one line: nodemailer parses the display-name form; line breaks would be header injection. */
function address(value: Json, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${name} must be a non-empty string`);
  if (/[\r\n\0]/.test(value)) throw invalid(`${name} must not contain line breaks`);
  if (value.length > 320 || !/@[^@\s>]+>?\s*$/.test(value)) throw invalid(`${name} is not an email address: ${JSON.stringify(value.slice(0, 80))}`);
  return value.trim();
}

function addressList(value: Json | undefined, name: string, required: boolean): string[] {
  if (value === undefined || value === null) {
    if (required) throw invalid(`${name} is required`);
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  if (required && list.length === 0) throw invalid(`${name} needs at least one address`);
  return list.map((item, index) => address(item, Array.isArray(value) ? `${name}[${index}]` : name));
}

function attachmentList(value: Json | undefined): OutgoingEmail['attachments'] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('attachments must be a list');
  if (value.length > maxAttachments) throw invalid(`at most ${maxAttachments} attachments`);
  return value.map((item, index) => attachment(item, `attachments[${index}]`));
}

function attachment(value: Json, name: string): OutgoingEmail['attachments'][number] {
  if (!isJsonObject(value)) throw invalid(`${name} must be an object {filename, content, contentType?, encoding?}`);
  const byReference = ['href', 'url', 'path'].filter((key) => key in value);
  if (byReference.length > 0) {
    throw new TaskFailure('Email.AttachmentRefused', `${name}: attachments by ${byReference.join('/')} are refused; give the content inline`);
  }
  const extra = Object.keys(value).filter((key) => !['filename', 'content', 'contentType', 'encoding'].includes(key));
  if (extra.length > 0) throw invalid(`${name} has unknown field(s) ${extra.join(', ')}`);
  const { filename, content, contentType, encoding } = value;
  if (typeof filename !== 'string' || filename === '' || /[\r\n\0/\\]/.test(filename)) throw invalid(`${name}.filename must be a file name`);
  if (typeof content !== 'string') throw invalid(`${name}.content must be a string`);
  if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'base64') throw invalid(`${name}.encoding must be utf8 or base64`);
  if (contentType !== undefined && (typeof contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(contentType))) {
    throw invalid(`${name}.contentType must be a media type such as text/plain`);
  }
  const out: OutgoingEmail['attachments'][number] = { filename, content: Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8') };
  if (contentType !== undefined) out.contentType = contentType;
  return out;
}

/** `<hash of the idempotency key@sender's domain>`: the same for every delivery of one attempt. */
function messageIdOf(idempotencyKey: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'nightshift.invalid';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

function invalid(message: string): TaskFailure {
  return new TaskFailure('Email.InvalidInput', message);
}
