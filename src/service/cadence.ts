/**
 * When a schedule ticks: a 5- or 6-field cron expression read in an IANA timezone (croner does the
 * calendar and daylight-saving arithmetic), or a fixed interval (`every: 15m`). Pure: instants in,
 * instants out.
 *
 * Daylight saving, as croner computes it for Europe/Paris: a fixed-time expression (`30 2 * * *`)
 * whose wall time falls in the spring gap runs at the first instant after the gap (03:00 CEST) and,
 * in the autumn, runs once on the first of the two 02:30; an expression with a wildcard or a step
 * in its time fields (`30 * * * *`) skips the missing hour and runs in both repeated ones.
 */
import { Cron } from 'croner';

export interface Cadence {
  /** The first tick of a schedule created (or resumed, or changed) at `now`, or null when there is none. */
  first(now: Date): Date | null;
  /** The latest tick at or before `now`, walking from the due tick `from` (at or before `now`). */
  latestDue(from: Date, now: Date): Date;
  /** The first tick strictly after `now` of the series that ticked at `from`; null when there is none. */
  nextAfter(from: Date, now: Date): Date | null;
}

export interface CadenceSpec {
  cron: string | null;
  everySeconds: number | null;
  timezone: string;
}

/** A problem with one field of a schedule, named so the API can say which. */
export interface CadenceProblem {
  field: 'cron' | 'every' | 'timezone';
  message: string;
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const everyPattern = /^(?:\d+[smhd])+$/;
const maxEverySeconds = 2 ** 31 - 1;
/** How many ticks `latestDue` walks before asking croner for the previous run directly. */
const walkLimit = 64;

/** `30s`, `15m`, `2h`, `1d`, or a sum such as `1h30m` → seconds; a problem otherwise. */
export function parseEvery(text: string): number | CadenceProblem {
  const trimmed = text.trim();
  if (!everyPattern.test(trimmed)) {
    return { field: 'every', message: `every must be a duration such as 30s, 15m, 2h or 1d, not ${JSON.stringify(text)}` };
  }
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhd])/g)) seconds += Number(amount) * units[unit];
  if (seconds < 1 || seconds > maxEverySeconds) {
    return { field: 'every', message: `every must be between 1 second and ${maxEverySeconds} seconds, not ${JSON.stringify(text)}` };
  }
  return seconds;
}

/** Whether the runtime knows the IANA timezone (the same Intl data croner reads). */
export function timezoneProblem(timezone: string): CadenceProblem | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return { field: 'timezone', message: `timezone ${JSON.stringify(timezone)} is not an IANA timezone such as Europe/Paris or UTC` };
  }
}

/** The cadence of a schedule, or the problem with its cron, every or timezone. */
export function tryCadence(spec: CadenceSpec): Cadence | CadenceProblem {
  const zone = timezoneProblem(spec.timezone);
  if (zone) return zone;
  if (spec.cron !== null) return cronCadence(spec.cron, spec.timezone);
  if (spec.everySeconds !== null) return intervalCadence(spec.everySeconds * 1000);
  return { field: 'cron', message: 'a schedule needs cron or every' };
}

function cronCadence(expression: string, timezone: string): Cadence | CadenceProblem {
  let cron: Cron;
  try {
    // Without a callback croner only computes; '5-or-6-parts' refuses the 7-field (year) form.
    cron = new Cron(expression, { timezone, mode: '5-or-6-parts' });
  } catch (e) {
    return { field: 'cron', message: `cron ${JSON.stringify(expression)} is invalid: ${e instanceof Error ? e.message : String(e)}` };
  }
  const after = (instant: Date) => cron.nextRun(instant);
  if (after(new Date(0)) === null) return { field: 'cron', message: `cron ${JSON.stringify(expression)} never fires` };
  return {
    first: after,
    nextAfter: (_from, now) => after(now),
    latestDue(from, now) {
      let latest = from;
      for (let i = 0; i < walkLimit; i++) {
        const next = after(latest);
        if (next === null || next.getTime() > now.getTime()) return latest;
        latest = next;
      }
      // Long downtime with a frequent expression: croner's own backwards search ("strictly before",
      // so one millisecond past now includes a tick exactly at now).
      const [previous] = cron.previousRuns(1, new Date(now.getTime() + 1));
      return previous && previous.getTime() > latest.getTime() ? previous : latest;
    },
  };
}

/**
 * Ticks every `ms` from the moment the schedule started (created, resumed or given a new interval),
 * not from the epoch: a hundred thousand per-user `every: 1d` schedules spread over the day instead of
 * all firing at midnight. The timezone plays no part: an interval is a duration, not a wall time.
 */
function intervalCadence(ms: number): Cadence {
  const latestDue = (from: Date, now: Date) =>
    new Date(from.getTime() + Math.max(0, Math.floor((now.getTime() - from.getTime()) / ms)) * ms);
  return {
    first: (now) => new Date(now.getTime() + ms),
    latestDue,
    nextAfter: (from, now) => (from.getTime() > now.getTime() ? from : new Date(latestDue(from, now).getTime() + ms)),
  };
}
