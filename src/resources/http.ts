/**
 * `http:invoke`: one HTTP request per Task, with the global fetch (undici in Node 20).
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
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { EngineError, isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
import { TaskFailure, type InvocationContext, type ResourceHandler } from './resource.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface HttpResourceOptions {
  /** Largest response body accepted (after decompression); more is Http.ResponseTooLarge. Default 10 MiB. */
  maxResponseBytes?: number;
  /** Redirects followed per call; one more is Http.TooManyRedirects. Default 5. */
  maxRedirects?: number;
  /** Used when the input has no timeoutSeconds. Default 60, as AWS's HTTP Task. */
  defaultTimeoutSeconds?: number;
  /** CIDRs, addresses or host names (`*.example.com` for subdomains) always allowed; checked before deny. */
  allow?: readonly string[];
  /** Refused in addition to `deniedAddresses`. A host name allowed by name skips the address check. */
  deny?: readonly string[];
  /** The header carrying the idempotency key; false sends none. Default `Idempotency-Key`. */
  idempotencyHeader?: string | false;
  /** Host name resolution; `node:dns` lookup by default. */
  lookup?: (hostname: string) => Promise<ResolvedAddress[]>;
}

/** Link-local ranges and cloud metadata endpoints: reachable from a server, rarely meant to be. */
export const deniedAddresses: readonly string[] = [
  '169.254.0.0/16',
  '169.254.169.254',
  'fe80::/10',
  'fd00:ec2::254',
  'metadata.google.internal',
];

interface Settings {
  maxResponseBytes: number;
  maxRedirects: number;
  defaultTimeoutMs: number;
  idempotencyHeader: string | false;
  guard: AddressGuard;
}

interface HttpCall {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  timeoutMs: number;
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

type Parse = (input: Json, settings: Settings) => HttpCall;

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
  return async (input, context) => present(await perform(parse(input, settings), context, settings));
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
    guard: new AddressGuard(options),
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
    if (thrown instanceof TaskFailure) throw thrown;
    throw socketFailure(hop, thrown);
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener('abort', onAbort);
  }
}

/** Redirects are followed here rather than by fetch so that each hop passes the address guard and is counted. */
async function follow(call: HttpCall, hop: Hop, signal: AbortSignal, settings: Settings): Promise<HttpReply> {
  let body = call.body;
  for (let redirects = 0; ; redirects++) {
    await settings.guard.check(hop, signal);
    const response = await fetch(hop.url, { method: hop.method, headers: call.headers, body, redirect: 'manual', signal });
    const next = redirectTarget(response, hop.url);
    if (next === null) return readReply(response, hop, settings);
    await response.body?.cancel();
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

function redirectTarget(response: Response, base: URL): URL | null {
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

async function readReply(response: Response, hop: Hop, settings: Settings): Promise<HttpReply> {
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
    await response.body?.cancel();
    throw tooLarge();
  }
  const { bytes, truncated } = await readCapped(response, settings.maxResponseBytes);
  if (truncated) throw tooLarge();
  return { status, statusText, headers, body: decodeBody(bytes, headers.get('content-type')) };
}

/** Reads until more than `limit` bytes have come and stops the download there; `truncated` says there was more. */
async function readCapped(response: Response, limit: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (response.body === null) return { bytes: new Uint8Array(), truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return { bytes: concat(chunks), truncated: true };
    }
  }
  return { bytes: concat(chunks), truncated: false };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
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
  const fromNetwork = typeof code === 'string' || thrown.message === 'fetch failed' || thrown.message === 'terminated';
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

// ------------------------------------------------------------------------------------- the address guard

/**
 * Refuses link-local and metadata addresses before connecting, for every hop of a redirect chain. Limit: the
 * host name is resolved here and fetch resolves it again when it connects, so a DNS server that answers
 * differently the second time (DNS rebinding) gets past this check; closing that gap needs the checked
 * address pinned into the connection, which the global fetch cannot do without undici's own Agent. IP
 * literals are checked as written (the URL parser has already normalized forms such as `http://2852039166/`).
 */
class AddressGuard {
  private readonly allow: AddressRules;
  private readonly deny: AddressRules;
  private readonly lookup: (hostname: string) => Promise<ResolvedAddress[]>;

  constructor(options: HttpResourceOptions) {
    this.allow = new AddressRules(options.allow ?? [], 'allow');
    this.deny = new AddressRules([...deniedAddresses, ...(options.deny ?? [])], 'deny');
    this.lookup = options.lookup ?? ((hostname) => dnsLookup(hostname, { all: true, verbatim: true }));
  }

  async check(hop: Hop, signal: AbortSignal): Promise<void> {
    const host = hop.url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (this.allow.hasName(host)) return;
    if (this.deny.hasName(host)) throw new TaskFailure('Http.AddressRefused', `${label(hop)} refused: host ${host} is denied`);
    const addresses = isIP(host) ? [host] : (await abortable(this.lookup(host), signal)).map((entry) => entry.address);
    for (const address of addresses) {
      if (this.allow.hasAddress(address) || !this.deny.hasAddress(address)) continue;
      const what = host === address ? `address ${host}` : `${host} resolves to ${address}, which`;
      throw new TaskFailure('Http.AddressRefused', `${label(hop)} refused: ${what} is denied`);
    }
  }
}

class AddressRules {
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly blocks = new BlockList();

  constructor(entries: readonly string[], option: string) {
    for (const raw of entries) {
      const entry = String(raw).trim().toLowerCase();
      const [address, prefix, extra] = entry.split('/');
      const family = isIP(address);
      if (family !== 0) {
        const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
        if (extra !== undefined || !/^\d+$/.test(prefix ?? '0') || bits > (family === 4 ? 32 : 128)) {
          throw new EngineError('CONFIG_INVALID', `http: ${option} has an invalid CIDR '${raw}'`);
        }
        this.blocks.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
      } else if (/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(entry)) {
        if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1).replace(/\.$/, ''));
        else this.names.add(entry.replace(/\.$/, ''));
      } else {
        throw new EngineError('CONFIG_INVALID', `http: ${option} has an entry that is neither a CIDR nor a host name: '${raw}'`);
      }
    }
  }

  hasName(host: string): boolean {
    return this.names.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix));
  }

  hasAddress(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.blocks.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** DNS lookups cannot be cancelled; the call stops waiting for one when aborted. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

// ---------------------------------------------------------------------------------------------- the input

interface CallFields {
  url: Json | undefined;
  method: Json | undefined;
  headers: Json | undefined;
  query: Json | undefined;
  body: Json | undefined;
  form: ArrayFormat | null;
  timeoutSeconds: Json | undefined;
}

/** How each field is called in the input, for messages. */
type FieldNames = Record<'url' | 'method' | 'headers' | 'query' | 'body' | 'timeoutSeconds', string>;

const nightshiftNames: FieldNames = {
  url: 'url',
  method: 'method',
  headers: 'headers',
  query: 'query',
  body: 'body',
  timeoutSeconds: 'timeoutSeconds',
};
/** AWS has no per-call timeout field: the defaultTimeoutSeconds option applies, or the Task's TimeoutSeconds aborts first. */
const awsNames: FieldNames = {
  url: 'ApiEndpoint',
  method: 'Method',
  headers: 'Headers',
  query: 'QueryParameters',
  body: 'RequestBody',
  timeoutSeconds: 'TimeoutSeconds',
};
const awsFields = ['ApiEndpoint', 'Method', 'Headers', 'QueryParameters', 'RequestBody', 'Transform', 'Authentication', 'InvocationConfig'];

function parseNightshiftInput(input: Json, settings: Settings): HttpCall {
  const { url, method, headers, query, body, timeoutSeconds } = objectInput(input, Object.values(nightshiftNames));
  return buildCall({ url, method, headers, query, body, form: null, timeoutSeconds }, nightshiftNames, settings);
}

function parseAwsInput(input: Json, settings: Settings): HttpCall {
  const fields = objectInput(input, awsFields);
  if (fields.Method === undefined) throw invalid('Method is required');
  const call: CallFields = {
    url: fields.ApiEndpoint,
    method: fields.Method,
    headers: fields.Headers,
    query: fields.QueryParameters,
    body: fields.RequestBody,
    form: awsBodyEncoding(fields.Transform),
    timeoutSeconds: undefined,
  };
  return buildCall(call, awsNames, settings);
}

function objectInput(input: Json, known: string[]): JsonObject {
  if (!isJsonObject(input)) throw invalid('the input must be an object');
  const unknown = Object.keys(input).filter((name) => !known.includes(name));
  if (unknown.length > 0) throw invalid(`unknown field(s) ${unknown.join(', ')}; expected ${known.join(', ')}`);
  return input;
}

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function buildCall(fields: CallFields, names: FieldNames, settings: Settings): HttpCall {
  const url = parseUrl(fields.url, names.url);
  appendQuery(url, fields.query, names.query);
  const method = fields.method === undefined ? 'GET' : typeof fields.method === 'string' ? fields.method.toUpperCase() : '';
  if (!methods.has(method)) throw invalid(`${names.method} must be one of ${[...methods].join(', ')}`);
  const headers = parseHeaders(fields.headers, names.headers);
  const body = encodeBody(fields.body, fields.form, headers, names.body);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw invalid(`${names.body} cannot be sent with ${method}`);
  const seconds = fields.timeoutSeconds;
  if (seconds === undefined) return { url, method, headers, body, timeoutMs: settings.defaultTimeoutMs };
  if (typeof seconds !== 'number' || !(seconds > 0)) throw invalid(`${names.timeoutSeconds} must be a positive number`);
  return { url, method, headers, body, timeoutMs: seconds * 1000 };
}

function parseUrl(value: Json | undefined, name: string): URL {
  if (typeof value !== 'string' || value === '') throw invalid(`${name} is required and must be a string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${name} is not a valid absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`${name} must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid(`${name} must not hold credentials; send an Authorization header instead`);
  }
  url.hash = '';
  return url;
}

function scalar(value: Json): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** Arrays repeat their key (`tag=a&tag=b`); null is left out. */
function appendQuery(url: URL, query: Json | undefined, name: string): void {
  if (query === undefined || query === null) return;
  if (!isJsonObject(query)) throw invalid(`${name} must be an object`);
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null) continue;
      const text = scalar(item);
      if (text === undefined) throw invalid(`${name}.${key} must be a string, number, boolean or an array of them`);
      url.searchParams.append(key, text);
    }
  }
}

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by the HTTP client from the request itself; letting a workflow set them breaks framing or routing. */
const clientHeaders = new Set([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Messages name the header, never its value. */
function parseHeaders(value: Json | undefined, name: string): Headers {
  const headers = new Headers();
  if (value === undefined || value === null) return headers;
  if (!isJsonObject(value)) throw invalid(`${name} must be an object`);
  for (const [key, raw] of Object.entries(value)) {
    if (!headerName.test(key)) throw invalid(`${name} has an invalid header name ${JSON.stringify(key.slice(0, 64))}`);
    if (clientHeaders.has(key.toLowerCase())) throw invalid(`${name}.${key} is set by the HTTP client and cannot be given`);
    const text = raw === null ? undefined : scalar(raw);
    if (text === undefined || /[\r\n\0]/.test(text)) throw invalid(`${name}.${key} must be a string without line breaks`);
    try {
      headers.set(key, text);
    } catch {
      throw invalid(`${name}.${key} is not a valid header value`);
    }
  }
  return headers;
}

type ArrayFormat = 'INDICES' | 'REPEAT' | 'COMMAS' | 'BRACKETS';

/** The key each array item is sent under (COMMAS sends one joined value instead). */
const arrayKey: Record<ArrayFormat, (key: string, index: number) => string> = {
  INDICES: (key, index) => `${key}[${index}]`,
  BRACKETS: (key) => `${key}[]`,
  REPEAT: (key) => key,
  COMMAS: (key) => key,
};

/** AWS `Transform: {RequestBodyEncoding: NONE|URL_ENCODED, RequestEncodingOptions: {ArrayFormat}}`. */
function awsBodyEncoding(transform: Json | undefined): ArrayFormat | null {
  if (transform === undefined || transform === null) return null;
  if (!isJsonObject(transform)) throw invalid('Transform must be an object');
  const encoding = transform.RequestBodyEncoding ?? 'NONE';
  if (encoding === 'NONE') return null;
  if (encoding !== 'URL_ENCODED') throw invalid('Transform.RequestBodyEncoding must be NONE or URL_ENCODED');
  const options = transform.RequestEncodingOptions;
  const format = isJsonObject(options) ? (options.ArrayFormat ?? 'INDICES') : 'INDICES';
  if (format !== 'INDICES' && format !== 'REPEAT' && format !== 'COMMAS' && format !== 'BRACKETS') {
    throw invalid('Transform.RequestEncodingOptions.ArrayFormat must be INDICES, REPEAT, COMMAS or BRACKETS');
  }
  return format;
}

/** Strings go as they are; other values as JSON, or as a form when `form` says so. */
function encodeBody(body: Json | undefined, form: ArrayFormat | null, headers: Headers, name: string): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (form === null) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return JSON.stringify(body);
  }
  if (!isJsonObject(body)) throw invalid(`${name} must be an object to be URL-encoded`);
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    const texts = (Array.isArray(value) ? value : [value]).map((item) => (item === null ? '' : scalar(item)));
    if (texts.some((text) => text === undefined)) throw invalid(`${name}.${key} must be a scalar or an array of scalars to be URL-encoded`);
    if (!Array.isArray(value)) params.append(key, texts[0] as string);
    else if (form === 'COMMAS') params.append(key, texts.join(','));
    else texts.forEach((text, index) => params.append(arrayKey[form](key, index), text as string));
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
  return params.toString();
}

function invalid(message: string): TaskFailure {
  return new TaskFailure('Http.InvalidInput', message);
}
