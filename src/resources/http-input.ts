/**
 * http:invoke's input, read into the request it makes: `{url, method?, headers?, query?, body?,
 * timeoutSeconds?}`, or the AWS HTTP Task fields for `arn:aws:states:::http:invoke`. Every problem is
 * Http.InvalidInput naming the field, never a header value.
 */
import { isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
import { TaskFailure } from './resource.ts';

export interface HttpCall {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  timeoutMs: number;
}


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

export function parseNightshiftInput(input: Json, defaultTimeoutMs: number): HttpCall {
  const { url, method, headers, query, body, timeoutSeconds } = objectInput(input, Object.values(nightshiftNames));
  return buildCall({ url, method, headers, query, body, form: null, timeoutSeconds }, nightshiftNames, defaultTimeoutMs);
}

export function parseAwsInput(input: Json, defaultTimeoutMs: number): HttpCall {
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
  return buildCall(call, awsNames, defaultTimeoutMs);
}

function objectInput(input: Json, known: string[]): JsonObject {
  if (!isJsonObject(input)) throw invalid('the input must be an object');
  const unknown = Object.keys(input).filter((name) => !known.includes(name));
  if (unknown.length > 0) throw invalid(`unknown field(s) ${unknown.join(', ')}; expected ${known.join(', ')}`);
  return input;
}

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function buildCall(fields: CallFields, names: FieldNames, defaultTimeoutMs: number): HttpCall {
  const url = parseUrl(fields.url, names.url);
  appendQuery(url, fields.query, names.query);
  const method = fields.method === undefined ? 'GET' : typeof fields.method === 'string' ? fields.method.toUpperCase() : '';
  if (!methods.has(method)) throw invalid(`${names.method} must be one of ${[...methods].join(', ')}`);
  const headers = parseHeaders(fields.headers, names.headers);
  const body = encodeBody(fields.body, fields.form, headers, names.body);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw invalid(`${names.body} cannot be sent with ${method}`);
  const seconds = fields.timeoutSeconds;
  if (seconds === undefined) return { url, method, headers, body, timeoutMs: defaultTimeoutMs };
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

/**
 * Arrays repeat their key (`tag=a&tag=b`); null is left out. The pairs are added after the URL's own query as
 * text: going through `url.searchParams` would parse and re-encode the query the URL was written with (`+`
 * read as a space), changing what the author wrote and the form a secret in it takes.
 */
function appendQuery(url: URL, query: Json | undefined, name: string): void {
  if (query === undefined || query === null) return;
  if (!isJsonObject(query)) throw invalid(`${name} must be an object`);
  const pairs = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null) continue;
      const text = scalar(item);
      if (text === undefined) throw invalid(`${name}.${key} must be a string, number, boolean or an array of them`);
      pairs.append(key, text);
    }
  }
  const added = pairs.toString();
  if (added !== '') url.search = url.search.length > 1 ? `${url.search.slice(1)}&${added}` : added;
}

export const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
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
