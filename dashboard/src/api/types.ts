/** The shapes the HTTP API answers with (its OpenAPI document at /openapi.json has them all). */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const executionStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Identity {
  kind: 'key' | 'jwt' | 'public';
  keyId: string | null;
  role: string;
  claims: Record<string, Json>;
  scopes: string[];
}

export interface WorkflowMetadata {
  mode: 'persistent' | 'transient';
  parameters: Record<string, Json> | null;
  auth: string;
  ignorePrivacyRules: boolean;
  triggers: Array<Record<string, Json>>;
  description: string | null;
}

export interface WorkflowSummary {
  name: string;
  versionId: string | null;
  metadata: WorkflowMetadata | null;
  updatedAt: string;
}

export interface Workflow {
  name: string;
  versionId: string;
  definition: Json;
  metadata: WorkflowMetadata;
}

export interface Progress {
  done?: number;
  total?: number;
  message?: string;
}

export interface Execution {
  executionId: string;
  workflow: string;
  versionId: string;
  name: string;
  status: ExecutionStatus;
  mode: string;
  input: Json;
  output: Json;
  error: string | null;
  cause: string | null;
  parentId: string | null;
  rootId: string;
  progress: Progress | null;
  redriveCount: number;
  startedAt: string;
  stoppedAt: string | null;
  waitingReason?: string;
  waitingSince?: string;
}

export interface HistoryEvent {
  executionId: string;
  seq: number;
  type: string;
  stateName: string | null;
  details: Record<string, Json>;
  timestamp: string;
  branchId?: string;
}

export const scheduledItemKinds = ['scheduled-run', 'wait', 'task-token', 'cron'] as const;
export type ScheduledItemKind = (typeof scheduledItemKinds)[number];

export interface ScheduledItem {
  kind: ScheduledItemKind;
  id: string;
  workflow: string;
  dueAt: string | null;
  input: Json;
  executionId?: string;
  stateName?: string | null;
  batchId?: string | null;
  itemIndex?: number | null;
  key?: string | null;
}

export interface Batch {
  batchId: string;
  workflow: string;
  ordering: 'parallel' | 'sequential';
  intervalSeconds: number;
  startAt: string;
  total: number;
  scheduled: number;
  started: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  done: boolean;
  createdAt: string;
}

export interface Schedule {
  scheduleId: string;
  workflow: string;
  key: string | null;
  source: 'file' | 'api';
  cron: string | null;
  every: string | null;
  timezone: string;
  input: Json;
  paused: boolean;
  overlap: string;
  missed: string;
  nextFireAt: string | null;
  lastFireAt: string | null;
  lastExecutionId: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TableTrigger {
  id: number;
  workflow: string;
  table: string;
  operations: string[];
  when: string | null;
  role: string | null;
  claims: Record<string, Json> | null;
  triggerName: string;
  installed: boolean;
  pendingChanges: number;
}

export interface ApiKey {
  id: string;
  name: string | null;
  prefix: string;
  role: string;
  scopes: string[];
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface NewApiKey {
  name?: string;
  role: string;
  scopes: string[];
  rateLimitPerMinute?: number | null;
}
