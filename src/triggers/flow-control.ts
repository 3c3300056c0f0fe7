/**
 * The `flow-admit` job `{workflow}`: admits the waiting starts of a flow-controlled workflow that its
 * limits now allow (service/flow-control.ts). Enqueued when an admitted execution ends and when a
 * debounce window or rate-limit window opens. Admission is idempotent, so the job is completed after
 * it: a crash in between only admits again.
 */
import { admitWaitingStarts, flowAdmitJobKind, type ServiceDeps } from '../service/index.ts';
import { completeJobs, flowAdmitFormat, type ClaimedJob } from '../store/index.ts';

export function flowControlJobHandlers(deps: ServiceDeps): Record<string, (job: ClaimedJob, workerId: string) => Promise<void>> {
  return {
    [flowAdmitJobKind]: async (job, workerId) => {
      const { workflow } = flowAdmitFormat.decode(job.payload, `the payload of flow-admit job ${job.id}`);
      await admitWaitingStarts(deps, workflow);
      await completeJobs(deps.sql, workerId, [job.id]);
    },
  };
}
