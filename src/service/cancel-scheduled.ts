/** Cancelling scheduled runs: one, by filter (workflow, batch, time range, input fields), or all. */
import {
  cancelScheduledRun,
  cancelScheduledRuns,
  type CancelResult,
  type Queryable,
  type ScheduledFilter,
} from '../store/index.ts';
import { EngineError, type JsonObject } from '../shared/index.ts';
import { advanceBatches } from './batches.ts';
import type { ServiceDeps } from './deps.ts';
import { isUuid, parseTime } from './scheduling-input.ts';
import { describeScheduledRun, type ScheduledRunView } from './scheduling.ts';

async function cancelIn(deps: ServiceDeps, cancel: (tx: Queryable, now: Date) => Promise<CancelResult>): Promise<CancelResult> {
  const now = new Date(deps.clock.now());
  return deps.sql.begin(async (tx) => {
    const result = await cancel(tx, now);
    await advanceBatches(tx, result.batchIds, now);
    return result;
  }) as Promise<CancelResult>;
}

/** Cancels one scheduled run (with its job). To cancel an execution sleeping in a Wait, stop the execution. */
export async function cancelScheduled(deps: ServiceDeps, id: string): Promise<ScheduledRunView> {
  const run = await describeScheduledRun(deps, id);
  if (run.status !== 'SCHEDULED') throw new EngineError('CONFLICT', `Scheduled run ${id} is ${run.status}; only a SCHEDULED run can be cancelled`);
  const result = await cancelIn(deps, (tx, now) => cancelScheduledRun(tx, id, now));
  if (result.cancelled === 0) throw new EngineError('CONFLICT', `Scheduled run ${id} is being started right now`);
  return describeScheduledRun(deps, id);
}

export interface CancelFilter {
  workflow?: string;
  batchId?: string;
  before?: string | Date;
  after?: string | Date;
  /** Runs whose input contains this JSON (`{"user_id": 42}`, nested objects allowed). */
  inputContains?: JsonObject;
  /** Required, alone, to cancel every scheduled run. */
  all?: boolean;
}

/** Parses the filter shared by listing and cancelling; an empty one is allowed only with `all`. */
export function scheduledFilterOf(filter: Omit<CancelFilter, 'all'>): ScheduledFilter {
  const out: ScheduledFilter = {};
  if (filter.workflow !== undefined) out.workflow = filter.workflow;
  if (filter.batchId !== undefined) {
    if (!isUuid(filter.batchId)) throw new EngineError('BATCH_NOT_FOUND', `No batch has the id ${JSON.stringify(filter.batchId)}`);
    out.batchId = filter.batchId;
  }
  if (filter.before !== undefined) out.before = parseTime(filter.before, 'before');
  if (filter.after !== undefined) out.after = parseTime(filter.after, 'after');
  if (filter.inputContains !== undefined) out.inputContains = filter.inputContains;
  return out;
}

/** Cancels every scheduled run the filter selects (by workflow, batch, time range, input fields), or all with `all: true`. */
export async function cancelScheduledBy(deps: ServiceDeps, filter: CancelFilter): Promise<{ cancelled: number }> {
  const { all, ...rest } = filter;
  const parsed = scheduledFilterOf(rest);
  const empty = Object.keys(parsed).length === 0;
  if (empty && all !== true) {
    throw new EngineError('INPUT_INVALID', 'Give a filter (workflow, batchId, before, after, input) or all: true to cancel every scheduled run', {
      details: { problems: [{ pointer: '/all', message: 'an empty filter needs all: true' }] },
    });
  }
  if (!empty && all === true) {
    throw new EngineError('INPUT_INVALID', 'all: true cancels every scheduled run and takes no other filter', {
      details: { problems: [{ pointer: '/all', message: 'cannot be combined with a filter' }] },
    });
  }
  const result = await cancelIn(deps, (tx, now) => cancelScheduledRuns(tx, parsed, now));
  return { cancelled: result.cancelled };
}
