/**
 * What one cron tick does, decided from the schedule, the clock and whether the previous tick's
 * execution still runs. Pure, so every policy is a table of cases in a test.
 *
 * - The tick that fires is the latest one due (`latestDue`): normally the pending tick itself; when
 *   a frequent expression is a little late, the ticks in between fold into the latest one.
 * - Missed runs: a pending tick older than `missedAfterMs` means no worker ran when it came
 *   (downtime). `skip` starts nothing and waits for the next future tick; `run_once` starts one
 *   execution, for the latest missed tick, however many were missed. A tick late by less fires under both.
 * - Overlap, while the previous tick's execution runs: `skip` starts nothing this tick; `allow` starts
 *   another; `queue` keeps the tick pending and checks again every `queueRecheckMs` (polling the
 *   execution's status: simple, and no coupling to the execution-ended jobs), starting it once the
 *   previous execution has ended. Ticks that pass meanwhile fold into the queued one, so a slow
 *   workflow never builds up a backlog (Temporal's "buffer one").
 */
import type { Cadence } from '../service/index.ts';
import type { MissedPolicy, OverlapPolicy } from '../store/index.ts';

export interface TickSituation {
  cadence: Cadence;
  /** The schedule's next_fire_at: the tick the job is for (a past tick when it is queued). */
  due: Date;
  now: Date;
  missed: MissedPolicy;
  overlap: OverlapPolicy;
  /** The execution of the last fired tick is still RUNNING. */
  previousRunning: boolean;
  /** The job is a queued tick's re-check. */
  queued: boolean;
  missedAfterMs: number;
  queueRecheckMs: number;
}

export type TickPlan =
  /** Claimed before its tick (a worker's clock ahead of this one's): put the job back until then. */
  | { action: 'not-yet'; at: Date }
  | { action: 'start'; tick: Date; next: Date | null }
  | { action: 'skip'; reason: 'missed' | 'overlap'; next: Date | null }
  /** Queued behind the running previous execution: `tick` stays pending, checked again at `recheckAt`. */
  | { action: 'wait'; tick: Date; recheckAt: Date };

export function planTick(s: TickSituation): TickPlan {
  const { now } = s;
  if (now.getTime() < s.due.getTime()) return { action: 'not-yet', at: s.due };
  const wait = (tick: Date): TickPlan => ({ action: 'wait', tick, recheckAt: new Date(now.getTime() + s.queueRecheckMs) });
  if (s.queued) {
    return s.previousRunning ? wait(s.due) : { action: 'start', tick: s.due, next: s.cadence.nextAfter(s.due, now) };
  }
  const tick = s.cadence.latestDue(s.due, now);
  const next = s.cadence.nextAfter(tick, now);
  if (s.missed === 'skip' && now.getTime() - s.due.getTime() > s.missedAfterMs) return { action: 'skip', reason: 'missed', next };
  if (s.previousRunning && s.overlap === 'skip') return { action: 'skip', reason: 'overlap', next };
  if (s.previousRunning && s.overlap === 'queue') return wait(tick);
  return { action: 'start', tick, next };
}
