/**
 * The `flow-admit` job `{workflow}`: admits the waiting starts of a flow-controlled workflow that its
 * limits now allow (service/flow-control.ts). Enqueued when an admitted execution ends and when a
 * debounce window or rate-limit window opens. Admission is idempotent, so the job is completed after
 * it: a crash in between only admits again.
 */
import { admitWaitingStarts, type ServiceDeps } from '../service/index.ts';
import { completeJobs, decodePayload, flowAdmitFormat, jobKinds, type JobHandler } from '../store/index.ts';

export function flowControlJobHandlers(deps: ServiceDeps): Record<string, JobHandler> {
  return {
    [jobKinds.flowAdmit]: async (job, workerId) => {
      const { workflow } = decodePayload(flowAdmitFormat, job);
      await admitWaitingStarts(deps, workflow);
      await completeJobs(deps.sql, workerId, [job.id]);
    },
  };
}
