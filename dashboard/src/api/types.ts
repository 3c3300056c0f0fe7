/**
 * The shapes the HTTP API answers with are the service's views, serialized as JSON: imported here as
 * types only, so a change on the server that breaks the dashboard fails its type check. Type imports
 * are erased from the build; the dashboard still talks to the engine over HTTP only.
 */
import type { ApiKeyView, identityView, listWorkflows, ScheduledItemKind } from '../../../src/service/index.ts';

export type { Json } from '../../../src/shared/index.ts';
export type {
  BatchView as Batch,
  CreateApiKeyRequest as NewApiKey,
  ExecutionView as Execution,
  HistoryView as HistoryEvent,
  ScheduledItem,
  ScheduledItemKind,
  ScheduleView as Schedule,
  TableTriggerView as TableTrigger,
  WorkflowMetadata,
  WorkflowView as Workflow,
} from '../../../src/service/index.ts';

export type Identity = ReturnType<typeof identityView>;
export type WorkflowSummary = Awaited<ReturnType<typeof listWorkflows>>[number];
export type ApiKey = ApiKeyView;
export type CreatedApiKey = ApiKeyView & { key: string };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What progress:report stores on an execution (its `progress`). */
export interface Progress {
  done?: number;
  total?: number;
  message?: string;
}

export const executionStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export const scheduledItemKinds = ['scheduled-run', 'wait', 'task-token', 'cron'] as const satisfies readonly ScheduledItemKind[];
