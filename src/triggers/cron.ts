/**
 * The `cron-tick` job handler. Each active schedule has exactly one pending cron-tick job (dedupe key
 * `cron:<schedule id>`, run_at = next_fire_at), so however many workers poll, one of them holds a
 * given tick. That worker:
 *   1. decides the tick (cron-plan.ts: missed-run and overlap policies);
 *   2. starts the execution with the idempotency key `cron:<schedule id>:<tick ISO>`; the start is
 *      its own transaction (the runtime runs the first step with it), and the key makes it safe to
 *      repeat when this worker dies or loses its lease before step 3 commits: a second start of the
 *      same tick returns the first execution;
 *   3. in one transaction: locks the schedule row, completes its job (nothing more if the lease was
 *      lost, or if a pause, delete or cadence change replaced the job meanwhile), records the tick
 *      and enqueues the next tick's job.
 */
import { isEngineError, type Json } from '../shared/index.ts';
import {
  cadenceOfRow,
  cronTickKind,
  startExecution,
  tickJob,
  type ServiceDeps,
} from '../service/index.ts';
import {
  completeJobs,
  cronTickFormat,
  enqueueJobs,
  getExecution,
  getSchedule,
  lockSchedule,
  recordTick,
  releaseJobs,
  type ClaimedJob,
  type ScheduleRow,
} from '../store/index.ts';
import { planTick, type TickPlan } from './cron-plan.ts';

/** The runtime's job handler signature (the runtime calls it with the worker holding the lease). */
export type TriggerJobHandler = (job: ClaimedJob, workerId: string) => Promise<void>;

export interface CronOptions {
  /** A pending tick older than this was missed (downtime): the missed-run policy applies. Default one minute. */
  missedAfterMs?: number;
  /** How often a queued tick checks whether the previous execution ended. Default 5 seconds. */
  queueRecheckMs?: number;
}

/** The idempotency key of one tick's execution. */
export function tickIdempotencyKey(scheduleId: string, tick: Date): string {
  return `cron:${scheduleId}:${tick.toISOString()}`;
}

/** Job handlers to give the DurableRuntime (`jobHandlers`), built on the service deps. */
export function cronJobHandlers(deps: ServiceDeps, options: CronOptions = {}): Record<string, TriggerJobHandler> {
  const settings = { missedAfterMs: options.missedAfterMs ?? 60_000, queueRecheckMs: options.queueRecheckMs ?? 5_000 };
  return { [cronTickKind]: (job, workerId) => runTick(deps, settings, job, workerId) };
}

async function runTick(deps: ServiceDeps, settings: Required<CronOptions>, job: ClaimedJob, workerId: string): Promise<void> {
  const { scheduleId, queued = false } = cronTickFormat.decode(job.payload, `the payload of cron-tick job ${job.id}`);
  const schedule = await getSchedule(deps.sql, scheduleId);
  if (!schedule || schedule.paused || !schedule.nextFireAt) {
    // Left over from a schedule changed since (a pause or delete removes the job in the same transaction).
    await deps.sql.begin((tx) => completeJobs(tx, workerId, [job.id]));
    return;
  }
  const now = new Date(deps.clock.now());
  const plan = planTick({
    cadence: cadenceOfRow(schedule), due: schedule.nextFireAt, now, missed: schedule.missedPolicy, overlap: schedule.overlapPolicy,
    previousRunning: schedule.overlapPolicy !== 'allow' && (await stillRunning(deps, schedule.lastExecutionId)), queued, ...settings,
  });
  if (plan.action === 'not-yet') {
    await releaseJobs(deps.sql, workerId, [job.id], plan.at);
    return;
  }
  const outcome = plan.action === 'start' ? await fire(deps, schedule, plan.tick) : { fired: null, lastError: null };
  await deps.sql.begin(async (tx) => {
    const locked = await lockSchedule(tx, schedule.id);
    if ((await completeJobs(tx, workerId, [job.id])).length === 0 || !locked || locked.paused) return;
    await recordTick(tx, schedule.id, { ...outcome, nextFireAt: pendingTick(plan), now });
    const next = nextJob(schedule.id, plan);
    if (next) await enqueueJobs(tx, [next]);
  });
}

/** Starts the tick's execution; an engine error (workflow gone, input no longer valid) is recorded, not retried. */
async function fire(deps: ServiceDeps, schedule: ScheduleRow, tick: Date): Promise<{ fired: { at: Date; executionId: string } | null; lastError: string | null }> {
  try {
    const started = await startExecution(deps, {
      workflow: schedule.workflowName, input: schedule.input as Json, idempotencyKey: tickIdempotencyKey(schedule.id, tick),
    });
    return { fired: { at: tick, executionId: started.executionId }, lastError: null };
  } catch (e) {
    if (!isEngineError(e)) throw e;
    return { fired: null, lastError: `${e.code}: ${e.message}` };
  }
}

// A transient execution has no row until it ends, so it never holds back the next tick.
async function stillRunning(deps: ServiceDeps, executionId: string | null): Promise<boolean> {
  if (!executionId) return false;
  return (await getExecution(deps.sql, executionId))?.status === 'RUNNING';
}

type DecidedPlan = Exclude<TickPlan, { action: 'not-yet' }>;

/** What next_fire_at becomes: the queued tick while it waits, else the next tick. */
function pendingTick(plan: DecidedPlan): Date | null {
  return plan.action === 'wait' ? plan.tick : plan.next;
}

function nextJob(scheduleId: string, plan: DecidedPlan) {
  if (plan.action === 'wait') return tickJob(scheduleId, plan.recheckAt, true);
  return plan.next ? tickJob(scheduleId, plan.next) : null;
}
