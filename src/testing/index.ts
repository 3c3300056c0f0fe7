/** The `nightshift/testing` entry: run a workflow in memory with mocked resources and virtual time. */
export { runWorkflow, type MockResource, type RunWorkflowOptions, type WorkflowUnderTest } from './run.ts';
export type { HistoryEntry, ResourceCall, StateVisit, WorkflowRun } from './read-run.ts';
export { isTaskFailure, TaskFailure, type ResourceContext } from '../lib/index.ts';
