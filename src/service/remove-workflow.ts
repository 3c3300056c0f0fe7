/**
 * Removing a workflow archives it (issue 12): no new starts (WORKFLOW_ARCHIVED), its table triggers
 * dropped and its file schedules deleted, in one transaction. Its versions, executions and history
 * stay: executions in flight finish on the version they pinned. Schedules made through the API stay
 * too but start nothing while it is archived (each tick records WORKFLOW_ARCHIVED as its last error),
 * so that deploying the workflow again, which un-archives it, brings back everything it had.
 */
import {
  archiveWorkflowRow,
  deleteDrainedSubscriptions,
  deleteFileSchedules,
  dropTableSubscription,
  listTableSubscriptions,
  lockTableSubscriptions,
} from '../store/index.ts';
import { EngineError } from '../shared/index.ts';
import { forgetCurrentVersion } from './current-versions.ts';
import type { ServiceDeps } from './deps.ts';

export interface RemovedWorkflow {
  name: string;
  archivedAt: string;
  /** Postgres triggers dropped from watched tables (changes already captured are still delivered). */
  tableTriggersDropped: number;
  /** File schedules deleted. */
  schedulesDeleted: number;
}

export async function removeWorkflow(deps: Pick<ServiceDeps, 'sql' | 'clock'>, name: string): Promise<RemovedWorkflow> {
  const now = new Date(deps.clock.now());
  const removed = await deps.sql.begin(async (tx) => {
    // The lock every table-trigger sync takes: a deploy of the same workflow waits for this removal.
    await lockTableSubscriptions(tx);
    const archived = await archiveWorkflowRow(tx, name, now);
    if (!archived) throw new EngineError('WORKFLOW_NOT_FOUND', `No workflow is named ${JSON.stringify(name)}`);
    const subscriptions = await listTableSubscriptions(tx, name);
    for (const subscription of subscriptions) await dropTableSubscription(tx, subscription);
    await deleteDrainedSubscriptions(tx);
    const schedulesDeleted = await deleteFileSchedules(tx, name);
    return { name, archivedAt: archived.archivedAt.toISOString(), tableTriggersDropped: subscriptions.length, schedulesDeleted };
  });
  forgetCurrentVersion(deps.sql, name);
  return removed;
}

/**
 * The workflows a folder deploy no longer finds (dev's file watcher): names deployed from a file
 * last time whose file is gone, or now holds another workflow. A file that fails validation keeps
 * its workflow (it is being edited), and so does a name another file now deploys.
 */
export function workflowsGone(
  previous: { deployed: ReadonlyArray<{ name: string; file: string }> },
  current: { deployed: ReadonlyArray<{ name: string; file: string }>; invalid: ReadonlyArray<{ file: string }> },
): string[] {
  const deployedNow = new Set(current.deployed.map((d) => d.name));
  const invalidNow = new Set(current.invalid.map((i) => i.file));
  return previous.deployed
    .filter((d) => !deployedNow.has(d.name) && !invalidNow.has(d.file))
    .map((d) => d.name);
}
