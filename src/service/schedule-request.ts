/**
 * A schedule as a caller writes it (`{workflow, key?, cron | every, timezone?, input?, overlap?, missed?}`,
 * from the API or a workflow file's trigger), checked field by field into what the store writes.
 */
import type { MissedPolicy, OverlapPolicy, ScheduleFields, ScheduleRow, ScheduleSource } from '../store/index.ts';
import { EngineError, type Json } from '../shared/index.ts';
import { parseEvery, tryCadence, type Cadence } from './cadence.ts';

export interface ScheduleRequest {
  workflow: string;
  /** External key, unique per workflow (e.g. `user:42`): a second create with it updates the first. */
  key?: string | null;
  /** 5 fields (minute precision) or 6 (seconds first). Exactly one of cron and every. */
  cron?: string | null;
  /** `30s`, `15m`, `2h`, `1d` (or sums such as `1h30m`). */
  every?: string | null;
  /** IANA timezone the cron expression is read in; default UTC. */
  timezone?: string | null;
  input?: Json;
  /** While the previous tick's execution runs: skip the tick, allow another, or queue it. Default allow. */
  overlap?: OverlapPolicy | null;
  /** After downtime: skip the missed ticks, or run_once for the whole missed period. Default skip. */
  missed?: MissedPolicy | null;
}

export const overlapPolicies: readonly OverlapPolicy[] = ['skip', 'allow', 'queue'];
export const missedPolicies: readonly MissedPolicy[] = ['skip', 'run_once'];
const keyPattern = /^[^\s][^\n]{0,199}$/;

interface Problem {
  path: string;
  message: string;
}

/** Every problem of the request at once; INPUT_INVALID names each bad field. */
export function checkScheduleRequest(
  request: ScheduleRequest,
  source: ScheduleSource,
  now: Date,
): { fields: ScheduleFields; cadence: Cadence } {
  const problems: Problem[] = [];
  const timezone = request.timezone ?? 'UTC';
  const { cron, everySeconds } = cadenceFields(request, problems);
  if (request.key !== undefined && request.key !== null && (typeof request.key !== 'string' || !keyPattern.test(request.key))) {
    problems.push({ path: 'key', message: 'key must be 1 to 200 characters on one line, not starting with a space' });
  }
  const overlap = request.overlap ?? 'allow';
  if (!overlapPolicies.includes(overlap)) problems.push({ path: 'overlap', message: `overlap must be one of ${overlapPolicies.join(', ')}` });
  const missed = request.missed ?? 'skip';
  if (!missedPolicies.includes(missed)) problems.push({ path: 'missed', message: `missed must be one of ${missedPolicies.join(', ')}` });
  const input = request.input ?? {};
  let cadence: Cadence | null = null;
  if (cron !== null || everySeconds !== null) {
    const result = tryCadence({ cron, everySeconds, timezone: typeof timezone === 'string' ? timezone : '' });
    if ('field' in result) problems.push({ path: result.field, message: result.message });
    else cadence = result;
  }
  if (problems.length > 0 || cadence === null) {
    throw new EngineError('INPUT_INVALID', `The schedule is invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
      details: { problems },
    });
  }
  return {
    cadence,
    fields: {
      workflowName: request.workflow, key: request.key ?? null, source, cron, everySeconds, timezone, input,
      overlapPolicy: overlap, missedPolicy: missed, nextFireAt: cadence.first(now), now,
    },
  };
}

function cadenceFields(request: ScheduleRequest, problems: Problem[]): { cron: string | null; everySeconds: number | null } {
  const hasCron = request.cron !== undefined && request.cron !== null;
  const hasEvery = request.every !== undefined && request.every !== null;
  if (hasCron === hasEvery) {
    problems.push({ path: hasCron ? 'every' : 'cron', message: 'a schedule needs exactly one of cron and every' });
    return { cron: null, everySeconds: null };
  }
  if (hasCron) {
    if (typeof request.cron === 'string') return { cron: request.cron.trim().replace(/\s+/g, ' '), everySeconds: null };
    problems.push({ path: 'cron', message: 'cron must be a string such as "0 9 * * MON"' });
    return { cron: null, everySeconds: null };
  }
  const seconds = typeof request.every === 'string' ? parseEvery(request.every) : { field: 'every', message: 'every must be a string such as "15m"' };
  if (typeof seconds === 'number') return { cron: null, everySeconds: seconds };
  problems.push({ path: 'every', message: seconds.message });
  return { cron: null, everySeconds: null };
}

/** The cadence of a stored schedule (it was checked when written). */
export function cadenceOfRow(row: Pick<ScheduleRow, 'cron' | 'everySeconds' | 'timezone'>): Cadence {
  const result = tryCadence(row);
  if ('field' in result) throw new EngineError('INTERNAL', `A stored schedule no longer parses: ${result.message}`);
  return result;
}

/** Seconds back to the shortest duration text: 900 → 15m, 5400 → 1h30m. */
export function formatEvery(seconds: number): string {
  let rest = seconds;
  let text = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0) text += `${amount}${unit}`;
    rest -= amount * size;
  }
  return text;
}
