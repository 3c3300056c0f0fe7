/** The `flow-admit` job's work: admits and starts what a flow-controlled workflow's limits now allow. */
import { getCurrentVersionHead } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';
import { admitUnderLock } from './flow-control.ts';
import { startExecutions, type StartedBatch } from './start.ts';
import type { WorkflowMetadata } from './workflows.ts';

/** Admits under the workflow's lock and starts the admitted through startExecutions, in one transaction; answers how many. */
export async function admitWaitingStarts(deps: ServiceDeps, workflowName: string): Promise<number> {
  const version = await getCurrentVersionHead(deps.sql, workflowName);
  // A workflow whose flow block was removed (or that was deleted) lets everything waiting through.
  const flow = (version?.metadata as unknown as WorkflowMetadata | undefined)?.flow ?? {};
  const now = new Date(deps.clock.now());
  const batch: StartedBatch = await deps.sql.begin(async (tx) => {
    const admitted = await admitUnderLock(tx, workflowName, flow, now);
    return startExecutions(deps, tx, admitted.map((row) => ({ workflow: row.workflowName, input: row.input, admitted: row })));
  });
  batch.afterCommit();
  return batch.outcomes.length;
}
