/**
 * Verb on one version of a workflow: an execution runs on the version it started with, which may no
 * longer be the current one; the dashboard draws the execution's graph from it.
 */
import { getVersion } from '../store/index.ts';
import { EngineError } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import type { WorkflowMetadata, WorkflowView } from './workflows.ts';

export async function describeWorkflowVersion(deps: Pick<ServiceDeps, 'sql'>, name: string, versionId: string): Promise<WorkflowView> {
  // Version ids are 32 hex digits (the content hash); anything else names no version.
  const version = /^[0-9a-f]{32}$/.test(versionId) ? await getVersion(deps.sql, versionId) : null;
  if (!version || version.workflowName !== name) {
    throw new EngineError('WORKFLOW_NOT_FOUND', `Workflow ${JSON.stringify(name)} has no version ${JSON.stringify(versionId)}`);
  }
  return { name, versionId: version.id, definition: version.definition, metadata: version.metadata as unknown as WorkflowMetadata };
}
