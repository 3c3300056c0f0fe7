/**
 * Retention of scheduled runs: the same age as executions' (NIGHTSHIFT_RETENTION_DAYS), applied by the
 * same hourly housekeeping. A run scheduled alone goes once it started or was cancelled that long ago
 * (its execution, if still there, says the rest); a list goes whole, with every run, once all of them
 * have ended or were cancelled that long ago and its on-complete workflow was started.
 */
import { deleteBatchRuns, deleteBatches, deleteFinishedLoneRuns, findFinishedBatches } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';

export interface RemovedScheduledRuns {
  /** Runs deleted, alone or of a list. */
  runs: number;
  /** Lists deleted. */
  batches: number;
}

/** Lists looked at per round: each round's id ranges go in one statement. */
const listsPerRound = 100;

/** Deletes finished scheduled runs and lists older than `days`, `batch` rows per statement. */
export async function removeOldScheduledRuns(deps: Pick<ServiceDeps, 'sql' | 'clock'>, days: number, batch = 1000): Promise<RemovedScheduledRuns> {
  const cutoff = new Date(deps.clock.now() - days * 86_400_000);
  let runs = await repeat((limit) => deleteFinishedLoneRuns(deps.sql, cutoff, limit), batch);
  let batches = 0;
  for (;;) {
    const ids = await findFinishedBatches(deps.sql, cutoff, listsPerRound);
    if (ids.length === 0) break;
    runs += await repeat((limit) => deleteBatchRuns(deps.sql, ids, limit), batch);
    batches += await deleteBatches(deps.sql, ids);
    if (ids.length < listsPerRound) break;
  }
  return { runs, batches };
}

/** Runs a bounded delete until it deletes fewer than `batch` rows; answers the total. */
async function repeat(deleteSome: (limit: number) => Promise<number>, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteSome(batch);
    total += n;
    if (n < batch) return total;
  }
}
