/** One typed function per API operation the dashboard uses; paths as in the OpenAPI document. */
import type { ApiClient, Query } from './client.ts';
import type {
  ApiKey,
  Batch,
  CreatedApiKey,
  Execution,
  HistoryEvent,
  Identity,
  NewApiKey,
  Page,
  Schedule,
  ScheduledItem,
  TableTrigger,
  Workflow,
  WorkflowSummary,
} from './types.ts';

const part = encodeURIComponent;

export interface ExecutionFilter {
  workflow?: string;
  status?: string;
  limit?: number;
  cursor?: string;
  startedAfter?: string;
  startedBefore?: string;
  name?: string;
  idempotencyKey?: string;
  /** `input.<path>` / `output.<path>` filters. */
  [field: string]: string | number | undefined;
}

export interface ScheduledFilter {
  workflow?: string;
  batchId?: string;
  kind?: string;
  before?: string;
  limit?: number;
  cursor?: string;
}

export interface ScheduleFilter {
  workflow?: string;
  cursor?: string;
}

function startQuery({ name, wait }: { name?: string; wait?: number }): string {
  const query = new URLSearchParams();
  if (name) query.set('name', name);
  if (wait !== undefined) query.set('wait', String(wait));
  const text = query.toString();
  return text ? `?${text}` : '';
}

export function endpoints(api: ApiClient) {
  return {
    identity: () => api.get<Identity>('/v1/identity'),
    createSession: () => api.post<{ expiresAt: string }>('/v1/sessions'),
    endSession: () => api.delete<{ ended: boolean }>('/v1/sessions/current'),

    workflows: () => api.get<{ items: WorkflowSummary[] }>('/v1/workflows'),
    workflow: (name: string) => api.get<Workflow>(`/v1/workflows/${part(name)}`),
    workflowVersion: (name: string, versionId: string) => api.get<Workflow>(`/v1/workflows/${part(name)}/versions/${part(versionId)}`),

    executions: (filter: ExecutionFilter) => api.get<Page<Execution>>('/v1/executions', filter as Query),
    startExecution: (workflow: string, input: unknown, options: { name?: string; idempotencyKey?: string; wait?: number } = {}) =>
      api.post<Execution>(`/v1/workflows/${part(workflow)}/executions`.concat(startQuery(options)), input, options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {}),
    scheduleRun: (workflow: string, request: { input: unknown; at?: string; delaySeconds?: number }) =>
      api.post<{ scheduledRunId: string; dueAt: string }>(`/v1/workflows/${part(workflow)}/schedule`, request),
    scheduleList: (workflow: string, request: { items: unknown[]; intervalSeconds: number; startAt?: string }) =>
      api.post<{ batchId: string; count: number }>(`/v1/workflows/${part(workflow)}/schedule`, request),
    execution: (id: string) => api.get<Execution>(`/v1/executions/${part(id)}`),
    history: (id: string) => api.get<{ items: HistoryEvent[] }>(`/v1/executions/${part(id)}/history`, { limit: 10_000 }),
    stopExecution: (id: string) => api.post<Execution>(`/v1/executions/${part(id)}/stop`, { cause: 'Stopped from the dashboard' }),
    redriveExecution: (id: string) => api.post<Execution>(`/v1/executions/${part(id)}/redrive`),

    scheduled: (filter: ScheduledFilter) => api.get<Page<ScheduledItem>>('/v1/scheduled', filter as Query),
    cancelScheduled: (id: string) => api.delete<unknown>(`/v1/scheduled/${part(id)}`),
    cancelScheduledBy: (filter: { workflow?: string; batchId?: string }) => api.post<{ cancelled: number }>('/v1/scheduled/cancel', filter),
    batch: (id: string) => api.get<Batch>(`/v1/batches/${part(id)}`),
    runNow: (id: string) => api.post<{ id: string; kind: string; woken: string[] }>(`/v1/scheduled/${part(id)}/run-now`),

    schedules: (filter: ScheduleFilter) => api.get<Page<Schedule>>('/v1/schedules', filter as Query),
    previewSchedule: (request: Record<string, unknown>) => api.post<{ timezone: string; upcoming: string[] }>('/v1/schedules/preview', request),
    createSchedule: (request: Record<string, unknown>) => api.post<Schedule>('/v1/schedules', request),
    pauseSchedule: (id: string) => api.post<Schedule>(`/v1/schedules/${part(id)}/pause`),
    resumeSchedule: (id: string) => api.post<Schedule>(`/v1/schedules/${part(id)}/resume`),
    deleteSchedule: (id: string) => api.delete<Schedule>(`/v1/schedules/${part(id)}`),

    tableTriggers: (workflow?: string) => api.get<{ items: TableTrigger[] }>('/v1/table-triggers', { workflow }),

    keys: () => api.get<{ items: ApiKey[] }>('/v1/keys'),
    createKey: (key: NewApiKey) => api.post<CreatedApiKey>('/v1/keys', key),
    revokeKey: (id: string) => api.delete<ApiKey>(`/v1/keys/${part(id)}`),
  };
}

export type Endpoints = ReturnType<typeof endpoints>;
