/** Wires the resources that act on Nightshift itself (workflow:start, progress:report) to the service. */
import { createProgressResource, createWorkflowStartResource, createWorkflowStartSyncResource, type ResourceRegistry, type StartChild } from '../resources/index.ts';
import { reportProgress, startExecution, type ServiceDeps } from '../service/index.ts';

export function registerWorkflowResources(registry: ResourceRegistry, deps: ServiceDeps): ResourceRegistry {
  const start: StartChild = async (request) => {
    const view = await startExecution(deps, request);
    return { executionId: view.executionId };
  };
  return registry
    .register('workflow:start', createWorkflowStartResource(start))
    .register('workflow:start.sync', createWorkflowStartSyncResource(start))
    .register('progress:report', createProgressResource((executionId, progress) => reportProgress(deps, executionId, progress)));
}
