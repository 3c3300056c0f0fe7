/** The embeddable engine's public shape: options, the engine, and its mountable API. */
import type { NodeListener } from '../api/index.ts';
import type {
  CancelFilter, ExecutionView, HistoryView, ListRequest, ListScheduledRequest, ScheduledBatchCreated, ScheduledItem, ScheduledRunView, WorkflowSource,
} from '../service/index.ts';
import type { Json, Logger } from '../shared/index.ts';
import type { DefinedResource, ResourceFunction } from './resource.ts';

/** Workflow name → its input type (what `nightshift types` generates as `Workflows`). */
export type WorkflowInputs = object;

export interface NightshiftOptions {
  /** The Postgres server; default DATABASE_URL, else an embedded Postgres in `<project>/.nightshift` (dev only). */
  databaseUrl?: string;
  /** A project folder: its nightshift.yaml is read, and its workflows/ deployed at start. Settings default to the current folder's. */
  project?: string;
  /** Workflows to deploy at start: file paths, or objects written as a workflow file is (with `name`). */
  workflows?: readonly WorkflowSource[];
  /** In-code handlers: `{ name: handler }`, or a list made with defineResource. */
  resources?: Record<string, ResourceFunction<any, any>> | readonly DefinedResource<any, any>[];
  /** Resource calls run at once by this process's workers (default 32, or the project's `concurrency`); 0: no workers, this process only starts executions. */
  workers?: number;
  /** The resources this process's workers run Tasks of (`activity:*` for a family); default: every one it has a handler for (docs/configuration.md, `serves:`). */
  serves?: readonly string[];
  /** Default: JSON lines on stderr at LOG_LEVEL (info). */
  logger?: Logger;
  /** `enforced` (default): the mounted API asks for API keys; `disabled`: it trusts every request (the host app's own auth in front). */
  auth?: 'enforced' | 'disabled';
  /** Serve the dashboard under the mounted API's `/dashboard/` (default false: it expects to be served at the root). */
  dashboard?: boolean;
}

export interface StartExecutionOptions {
  /** The same key for the same workflow answers the first execution instead of starting another. */
  idempotencyKey?: string;
  /** The execution name (unique per workflow); default its id. */
  name?: string;
  /** Wait up to this many seconds for the end, and answer the execution as it is then. */
  wait?: number;
}

export interface ScheduleOptions {
  /** When it is due: an RFC 3339 time or a Date; or `delaySeconds` from now. */
  at?: string | Date;
  delaySeconds?: number;
  idempotencyKey?: string;
}

export interface ScheduleListOptions {
  /** When item 0 is due; default now. */
  startAt?: string | Date;
  /** Seconds between consecutive items (default 0: all at once). */
  intervalSeconds?: number;
  ordering?: 'parallel' | 'sequential';
  onComplete?: { workflow: string; input?: { [key: string]: Json } };
  idempotencyKey?: string;
}

/** The HTTP API, for mounting in the host application (its routes start at /v1 and /openapi.json). */
export interface NightshiftApi {
  /** A fetch handler (Hono: `app.mount('/jobs', nightshift.api.fetch)`, which strips the prefix). */
  fetch(request: Request): Promise<Response>;
  /** A Node `(req, res, next?)` listener; `basePath` is stripped from the URL (Express strips its mount path itself). */
  node(options?: { basePath?: string }): NodeListener;
}

export type Started = ExecutionView & { created: boolean };

export interface Nightshift<W extends WorkflowInputs = { [name: string]: Json }> {
  readonly api: NightshiftApi;
  /** The database in use (after start). */
  readonly databaseUrl: string;
  /** Connects, migrates, deploys the workflows, starts workers (unless `workers: 0`). */
  start(): Promise<void>;
  /** Lets running resource calls finish (or releases them), then closes the pool. */
  stop(): Promise<void>;
  startExecution<K extends keyof W & string>(workflow: K, input: W[K], options?: StartExecutionOptions): Promise<Started>;
  schedule<K extends keyof W & string>(workflow: K, input: W[K], when: ScheduleOptions): Promise<{ scheduledRunId: string; dueAt: string; created: boolean }>;
  /** One scheduled run per item (each item is a run's input), in one statement. */
  scheduleList<K extends keyof W & string>(workflow: K, items: readonly W[K][], options?: ScheduleListOptions): Promise<ScheduledBatchCreated>;
  /** The Scheduler: what is due later (scheduled runs, waits, task tokens, cron ticks, held starts). */
  listScheduled(request?: ListScheduledRequest): Promise<{ items: ScheduledItem[]; nextCursor: string | null }>;
  cancelScheduled(id: string): Promise<ScheduledRunView>;
  cancelScheduled(filter: CancelFilter): Promise<{ cancelled: number }>;
  describeExecution(id: string): Promise<ExecutionView>;
  executionHistory(id: string, options?: { limit?: number }): Promise<HistoryView[]>;
  listExecutions(request?: ListRequest): Promise<{ items: ExecutionView[]; nextCursor: string | null }>;
  /** Waits up to `seconds` for the execution to end; answers it as it is then. */
  waitForExecution(id: string, seconds: number): Promise<ExecutionView>;
  stopExecution(id: string, reason?: { error?: string; cause?: string }): Promise<ExecutionView>;
  sendTaskSuccess(token: string, output: unknown): Promise<{ executionId: string }>;
  sendTaskFailure(token: string, error?: string, cause?: string): Promise<{ executionId: string }>;
  sendTaskHeartbeat(token: string): Promise<{ executionId: string }>;
  /** Starts every workflow subscribed to the event (`triggers: [{event: name}]`) with the payload as input. */
  emit(event: string, payload: unknown, options?: { idempotencyKey?: string }): Promise<Started[]>;
}
