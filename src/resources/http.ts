/**
 * `http:invoke`: one HTTP request per Task, over node:http (http-transport.ts), to addresses the address policy
 * allows (address-policy.ts: the `http:` section of nightshift.yaml), checked on the address connected to.
 *
 * Input `{url, method?, headers?, query?, body?, timeoutSeconds?}`; result `{status, headers, body}` with
 * lower-case header names, the body parsed when the response says JSON (`application/json`, `*+json`), else
 * text, and null when empty. The alias `arn:aws:states:::http:invoke` takes the AWS HTTP Task fields
 * (ApiEndpoint, Method, Headers, QueryParameters, RequestBody, Transform) and answers AWS's shape
 * `{StatusCode, StatusText, Headers: {name: [values]}, ResponseBody}`; Authentication/InvocationConfig are
 * accepted and ignored (credentials go in Headers through `${secrets.NAME}`).
 *
 * Failures: `States.Http.StatusCode.NNN` (non-2xx; the cause is JSON with method, URL, status and at most
 * 1 KiB of body), `States.Http.Socket` (refused, DNS, reset), `States.Timeout` (timeoutSeconds, default 60),
 * `Http.InvalidInput`, `Http.AddressRefused`, `Http.ResponseTooLarge`, `Http.TooManyRedirects`, and
 * `Http.Aborted` when the engine aborts the call. Causes name the method and the URL without its query
 * string, never a request header value, since those carry secrets.
 *
 * Unsafe methods (not GET, HEAD or OPTIONS) send `Idempotency-Key: <execution>:<state>:<attempt>` unless the
 * input sets that header, so a receiver can drop the duplicate a redelivered attempt makes.
 */
import type { Readable } from 'node:stream';
import { EngineError, type Json, type JsonObject } from '../shared/index.ts';
import { AddressPolicy, type AddressPolicyOptions } from './address-policy.ts';
import { headerName, parseAwsInput, parseNightshiftInput, type HttpCall } from './http-input.ts';
import { HttpTransport, type Incoming, type Resolve } from './http-transport.ts';
import { isTaskFailure, TaskFailure, type InvocationContext, type ResourceHandler } from './resource.ts';

export type { ResolvedAddress } from './http-transport.ts';

/** The address policy (address-policy.ts: allow, deny, allowPrivateNetworks) and the call's limits. */
export interface HttpResourceOptions extends AddressPolicyOptions {
  /** Largest response body accepted (after decompression); more is Http.ResponseTooLarge. Default 10 MiB. */
  maxResponseBytes?: number;
  /** Redirects followed per call; one more is Http.TooManyRedirects. Default 5. */
  maxRedirects?: number;
  /** Used when the input has no timeoutSeconds. Default 60, as AWS's HTTP Task. */
  defaultTimeoutSeconds?: number;
  /** The header carrying the idempotency key; false sends none. Default `Idempotency-Key`. */
  idempotencyHeader?: string | false;
  /** Host name resolution, called by the socket as it connects; `node:dns` lookup by default. */
  lookup?: Resolve;
}

interface Settings {
  maxResponseBytes: number;
  maxRedirects: number;
  defaultTimeoutMs: number;
  idempotencyHeader: string | false;
  transport: HttpTransport;
}

interface HttpReply {
  status: number;
  statusText: string;
  headers: Headers;
  body: Json;
}

/** The request currently on the wire; redirects move it, and failures name it. */
interface Hop {
  url: URL;
  method: string;
}

type Parse = (input: Json, defaultTimeoutMs: number) => HttpCall;

export function createHttpResource(options: HttpResourceOptions = {}): ResourceHandler {
  return createHandler(options, parseNightshiftInput, (reply) => ({
    status: reply.status,
    headers: flatHeaders(reply.headers),
    body: reply.body,
  }));
}

export function createAwsHttpResource(options: HttpResourceOptions = {}): ResourceHandler {
  return createHandler(options, parseAwsInput, (reply) => ({
    StatusCode: reply.status,
    StatusText: reply.statusText,
    Headers: listHeaders(reply.headers),
    ResponseBody: reply.body,
  }));
}

function createHandler(options: HttpResourceOptions, parse: Parse, present: (reply: HttpReply) => JsonObject): ResourceHandler {
  const settings = compileSettings(options);
  return async (input, context) => present(await perform(parse(input, settings.defaultTimeoutMs), context, settings));
}

function compileSettings(options: HttpResourceOptions): Settings {
  const atLeast = (min: number, value: number | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < min) throw new EngineError('CONFIG_INVALID', `http: ${name} must be a number >= ${min}`);
    return value;
  };
  const header = options.idempotencyHeader ?? 'Idempotency-Key';
  if (header !== false && !headerName.test(header)) throw new EngineError('CONFIG_INVALID', 'http: idempotencyHeader is not a header name');
  return {
    maxResponseBytes: atLeast(1, options.maxResponseBytes, 10 * 1024 * 1024, 'maxResponseBytes'),
    maxRedirects: Math.floor(atLeast(0, options.maxRedirects, 5, 'maxRedirects')),
    defaultTimeoutMs: atLeast(0.001, options.defaultTimeoutSeconds, 60, 'defaultTimeoutSeconds') * 1000,
    idempotencyHeader: header,
    transport: new HttpTransport(new AddressPolicy(options), options.lookup),
  };
}

// ---------------------------------------------------------------------------------------------- the call

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

async function perform(call: HttpCall, context: InvocationContext, settings: Settings): Promise<HttpReply> {
  const hop: Hop = { url: call.url, method: call.method };
  if (context.signal.aborted) throw new TaskFailure('Http.Aborted', `${label(hop)} was not sent: the task was aborted`);
  const key = settings.idempotencyHeader;
  if (key && !safeMethods.has(call.method) && !call.headers.has(key)) call.headers.set(key, context.idempotencyKey);
  // With tracing on, the called service joins the attempt's trace (unless the Task set its own header).
  if (context.traceparent && !call.headers.has('traceparent')) call.headers.set('traceparent', context.traceparent);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timed out'));
  }, Math.min(call.timeoutMs, 2 ** 31 - 1));
  const onAbort = () => controller.abort(context.signal.reason);
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await follow(call, hop, controller.signal, settings);
  } catch (thrown) {
    if (timedOut) throw new TaskFailure('States.Timeout', `${label(hop)} timed out after ${call.timeoutMs / 1000} s`);
    if (context.signal.aborted) throw new TaskFailure('Http.Aborted', `${label(hop)} was aborted`);
    if (isTaskFailure(thrown)) throw thrown;
    throw socketFailure(hop, thrown);
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener('abort', onAbort);
  }
}

/** Redirects are followed here so that each hop passes the address policy and is counted. */
async function follow(call: HttpCall, hop: Hop, signal: AbortSignal, settings: Settings): Promise<HttpReply> {
  let body = call.body;
  for (let redirects = 0; ; redirects++) {
    const response = await settings.transport.send({ url: hop.url, method: hop.method, headers: call.headers, body, signal }, label(hop));
    const next = redirectTarget(response, hop.url);
    if (next === null) return readReply(response, hop, settings);
    response.discard();
    if (redirects >= settings.maxRedirects) {
      throw new TaskFailure('Http.TooManyRedirects', `${label(hop)} redirected more than ${settings.maxRedirects} times`);
    }
    // As fetch does: 303 turns into GET, and so do 301/302 after a POST; credentials stay on their origin.
    const toGet = (response.status === 303 && hop.method !== 'HEAD') || (response.status <= 302 && hop.method === 'POST');
    if (toGet) {
      hop.method = 'GET';
      body = undefined;
      for (const name of ['content-type', 'content-encoding', 'content-language']) call.headers.delete(name);
    }
    if (next.origin !== hop.url.origin) for (const name of ['authorization', 'cookie', 'proxy-authorization']) call.headers.delete(name);
    hop.url = next;
  }
}

function redirectTarget(response: Incoming, base: URL): URL | null {
  if (![301, 302, 303, 307, 308].includes(response.status)) return null;
  const location = response.headers.get('location');
  if (location === null) return null;
  try {
    const next = new URL(location, base);
    return next.protocol === 'http:' || next.protocol === 'https:' ? next : null;
  } catch {
    return null;
  }
}

const errorBodyBytes = 1024;

async function readReply(response: Incoming, hop: Hop, settings: Settings): Promise<HttpReply> {
  const { status, statusText, headers } = response;
  if (status < 200 || status > 299) {
    const { bytes, truncated } = await readCapped(response, errorBodyBytes);
    const text = new TextDecoder().decode(bytes.subarray(0, utf8Boundary(bytes, errorBodyBytes)));
    const url = urlWithoutQuery(hop.url);
    const cause = { method: hop.method, url, status, statusText, body: text, ...(truncated ? { truncated } : {}) };
    throw new TaskFailure(`States.Http.StatusCode.${status}`, JSON.stringify(cause));
  }
  const tooLarge = () => new TaskFailure('Http.ResponseTooLarge', `${label(hop)} answered more than ${settings.maxResponseBytes} bytes`);
  if (Number(headers.get('content-length')) > settings.maxResponseBytes) {
    response.discard();
    throw tooLarge();
  }
  const { bytes, truncated } = await readCapped(response, settings.maxResponseBytes);
  if (truncated) throw tooLarge();
  return { status, statusText, headers, body: decodeBody(bytes, headers.get('content-type')) };
}

/** Reads until more than `limit` bytes have come and stops the download there; `truncated` says there was more. */
async function readCapped(response: Incoming, limit: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as Readable & AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size > limit) {
      response.discard();
      return { bytes: concat(chunks), truncated: true };
    }
  }
  return { bytes: concat(chunks), truncated: false };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? chunks[0] : chunks.length === 0 ? new Uint8Array() : Buffer.concat(chunks);
}

/** The largest length <= max that does not cut a UTF-8 sequence (continuation bytes are 10xxxxxx). */
function utf8Boundary(bytes: Uint8Array, max: number): number {
  if (bytes.length <= max) return bytes.length;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return end;
}

function decodeBody(bytes: Uint8Array, contentType: string | null): Json {
  if (bytes.length === 0) return null;
  const text = new TextDecoder().decode(bytes);
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (media !== 'application/json' && !media.endsWith('+json')) return text;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text; // a server that says JSON and sends something else: keep what it sent
  }
}

function socketFailure(hop: Hop, thrown: unknown): unknown {
  if (!(thrown instanceof Error)) return thrown;
  const cause = (thrown as Error & { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = (thrown as Error & { code?: unknown }).code ?? cause?.code ?? cause?.message;
  const fromNetwork = typeof code === 'string' || thrown.message === 'aborted' || thrown.message === 'socket hang up';
  if (!fromNetwork) return thrown;
  return new TaskFailure('States.Http.Socket', `${label(hop)} failed: ${typeof code === 'string' ? code : thrown.message}`);
}

function flatHeaders(headers: Headers): JsonObject {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  });
  return out;
}

function listHeaders(headers: Headers): JsonObject {
  const out: Record<string, string[]> = {};
  headers.forEach((value, name) => {
    (out[name] ??= []).push(value);
  });
  return out;
}

function urlWithoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function label(hop: Hop): string {
  return `${hop.method} ${urlWithoutQuery(hop.url)}`;
}
