/**
 * The `nightshift` package entry: the embeddable engine, typed in-code resources, and the TaskFailure a
 * handler throws to fail with a chosen ASL error name.
 */
export { createNightshift } from './nightshift.ts';
export { defineResource, toResourceHandler, type DefinedResource, type ResourceContext, type ResourceFunction } from './resource.ts';
export type * from './types.ts';
export { isTaskFailure, TaskFailure } from '../resources/index.ts';
export { EngineError, isEngineError, type ErrorCode, type Json, type JsonObject, type Logger } from '../shared/index.ts';
export type {
  CancelFilter, ExecutionView, HistoryView, ListRequest, ListScheduledRequest, ScheduledBatchCreated, ScheduledItem, ScheduledRunView, WorkflowSource,
} from '../service/index.ts';
export type { NodeListener } from '../api/index.ts';
