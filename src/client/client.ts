/**
 * nightshift/client: a typed HTTP client for a Nightshift server. Every route of /openapi.json is on
 * `raw` (openapi-fetch over the generated `paths`); the common verbs have methods that answer the
 * data or throw NightshiftApiError with the stable code. It imports nothing of the engine.
 */
import createFetchClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './openapi.ts';

type Schemas = components['schemas'];
export type Execution = Schemas['Execution'];
export type ExecutionPage = Schemas['ExecutionPage'];
export type HistoryEvent = Schemas['HistoryEvent'];
export type ScheduledRun = Schemas['ScheduledRun'];
export type ScheduledPage = Schemas['ScheduledPage'];
/** Every error code the API answers (`{error: {code, message, details}}`). */
export type ErrorCode = Schemas['Error']['error']['code'];
type Query<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type Body<P extends keyof paths> = paths[P]['post'] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** A non-2xx answer, with the API's stable error code. */
export class NightshiftApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(status: number, code: ErrorCode, message: string, details: unknown) {
    super(message);
    this.name = 'NightshiftApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface ClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:3000` or `https://app.example.com/jobs` for a mounted one. */
  baseUrl: string;
  /** An API key (`Authorization: Bearer <key>`), or a JWT the server verifies. */
  apiKey?: string;
  fetch?: (request: Request) => Promise<Response>;
  headers?: Record<string, string>;
}

/** Workflow name → input type; `nightshift types` generates one (`Workflows`). */
export type WorkflowInputs = object;

async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body, error, response } = await call;
  if (response.ok) return body as T;
  const failure = (error as { error?: { code?: ErrorCode; message?: string; details?: unknown } } | undefined)?.error;
  throw new NightshiftApiError(response.status, failure?.code ?? 'INTERNAL', failure?.message ?? `HTTP ${response.status}`, failure?.details ?? null);
}

export function createClient<W extends WorkflowInputs = { [name: string]: unknown }>(options: ClientOptions) {
  const raw: Client<paths> = createFetchClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { ...options.headers, ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}) },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    /** Every route, typed: `raw.GET('/v1/executions/{id}', { params: { path: { id } } })` answers `{data, error, response}`. */
    raw,
    /** Starts an execution; `wait` (seconds, up to 60) answers once it ended or the time is up. */
    start: <K extends keyof W & string>(workflow: K, input: W[K], start: { idempotencyKey?: string; name?: string; wait?: number } = {}) =>
      data<Execution>(raw.POST('/v1/workflows/{name}/executions', {
        params: {
          path: { name: workflow },
          query: { ...(start.name === undefined ? {} : { name: start.name }), ...(start.wait === undefined ? {} : { wait: start.wait }) },
          header: start.idempotencyKey === undefined ? {} : { 'Idempotency-Key': start.idempotencyKey },
        },
        body: input,
      })),
    describeExecution: (id: string) => data<Execution>(raw.GET('/v1/executions/{id}', { params: { path: { id } } })),
    listExecutions: (query: Query<'/v1/executions', 'get'> = {}) => data<ExecutionPage>(raw.GET('/v1/executions', { params: { query } })),
    executionHistory: (id: string) => data(raw.GET('/v1/executions/{id}/history', { params: { path: { id } } })),
    stopExecution: (id: string, reason: Body<'/v1/executions/{id}/stop'> = {}) =>
      data<Execution>(raw.POST('/v1/executions/{id}/stop', { params: { path: { id } }, body: reason })),
    /** One run (`{input, at | delaySeconds}`) or one per item (`{items, startAt?, intervalSeconds}`). */
    schedule: <K extends keyof W & string>(workflow: K, request: Omit<Body<'/v1/workflows/{name}/schedule'>, 'input' | 'items'> & ({ input: W[K] } | { items: W[K][] })) =>
      data(raw.POST('/v1/workflows/{name}/schedule', { params: { path: { name: workflow } }, body: request as Body<'/v1/workflows/{name}/schedule'> })),
    listScheduled: (query: Query<'/v1/scheduled', 'get'> = {}) => data<ScheduledPage>(raw.GET('/v1/scheduled', { params: { query } })),
    cancelScheduled: (id: string) => data<ScheduledRun>(raw.DELETE('/v1/scheduled/{id}', { params: { path: { id } } })),
    sendTaskSuccess: (token: string, output: unknown) =>
      data(raw.POST('/v1/task-tokens/{token}/success', { params: { path: { token } }, body: { output } as Body<'/v1/task-tokens/{token}/success'> })),
    sendTaskFailure: (token: string, failure: Body<'/v1/task-tokens/{token}/failure'>) =>
      data(raw.POST('/v1/task-tokens/{token}/failure', { params: { path: { token } }, body: failure })),
    /** Publishes an event: every subscribed workflow starts with the payload as input. */
    emit: (event: string, payload: unknown) => data(raw.POST('/v1/events/{name}', { params: { path: { name: event } }, body: payload })),
  };
}

export type NightshiftClient<W extends WorkflowInputs = { [name: string]: unknown }> = ReturnType<typeof createClient<W>>;
