/** Wires the resources that act on Nightshift itself (workflow:start, progress:report, activity:*) to the service. */
import { activityPrefix, createActivityResource, createProgressResource, createWorkflowStartResource, createWorkflowStartSyncResource, type ResourceRegistry, type StartChild } from '../resources/index.ts';
import { queueActivityTask, reportProgress, scheduleRun, startExecution, type ServiceDeps } from '../service/index.ts';

export function registerWorkflowResources(registry: ResourceRegistry, deps: ServiceDeps): ResourceRegistry {
  const start: StartChild = async ({ delaySeconds, at, ...request }) => {
    if (delaySeconds !== undefined || at !== undefined) {
      const { scheduledRunId, dueAt } = await scheduleRun(deps, { ...request, delaySeconds, at });
      return { scheduledRunId, dueAt };
    }
    const view = await startExecution(deps, request);
    return { executionId: view.executionId };
  };
  return registry
    .register('workflow:start', createWorkflowStartResource(start))
    .register('workflow:start.sync', createWorkflowStartSyncResource(start))
    .register('progress:report', createProgressResource((executionId, progress) => reportProgress(deps, executionId, progress)))
    .registerPrefix(activityPrefix, createActivityResource((task) => queueActivityTask(deps, task)));
}
