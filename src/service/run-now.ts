/** Run now: a scheduled run made due at once, or an execution woken from its Wait (also how tests fast-forward time). */
import { getExecution, getScheduledRun, notifyJobsAvailable, runScheduledRunNow, wakeSleepingThreads, type Queryable } from '../store/index.ts';
import { EngineError } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { isUuid } from './scheduling-input.ts';

export interface RunNowResult {
  id: string;
  kind: 'scheduled-run' | 'wait';
  /** Execution ids (or branch ids) woken from their Wait; the run's id for a scheduled run. */
  woken: string[];
}

/** Makes a scheduled run due now, or wakes an execution (and its branches) sleeping in a Wait. */
export async function runNow(deps: ServiceDeps, id: string): Promise<RunNowResult> {
  if (!isUuid(id)) throw new EngineError('SCHEDULED_RUN_NOT_FOUND', `No scheduled run or execution has the id ${JSON.stringify(id)}`);
  const now = new Date(deps.clock.now());
  const run = await getScheduledRun(deps.sql, id);
  if (run) {
    if (run.status !== 'SCHEDULED') throw new EngineError('CONFLICT', `Scheduled run ${id} is ${run.status}; only a SCHEDULED run can run now`);
    const moved = await inTransactionWithNotify(deps, (tx) => runScheduledRunNow(tx, id, now).then((ok) => (ok ? [id] : [])));
    return { id, kind: 'scheduled-run', woken: moved };
  }
  const execution = await getExecution(deps.sql, id);
  if (!execution) throw new EngineError('SCHEDULED_RUN_NOT_FOUND', `No scheduled run or execution has the id ${JSON.stringify(id)}`);
  const woken = await inTransactionWithNotify(deps, (tx) => wakeSleepingThreads(tx, id, now));
  if (woken.length === 0) throw new EngineError('CONFLICT', `Execution ${id} is ${execution.status} and not sleeping in a Wait state`);
  return { id, kind: 'wait', woken };
}

async function inTransactionWithNotify(deps: ServiceDeps, work: (tx: Queryable) => Promise<string[]>): Promise<string[]> {
  return deps.sql.begin(async (tx) => {
    const ids = await work(tx);
    if (ids.length > 0) await notifyJobsAvailable(tx);
    return ids;
  }) as Promise<string[]>;
}
