/**
 * Verbs on recurring schedules: create (an upsert by external key), list, describe, pause, resume,
 * delete, next fires. Each change and the replacement of the schedule's one pending `cron-tick` job
 * commit in one transaction, under the schedule's row lock (the tick handler takes it too).
 */
import {
  cronTickFormat,
  deleteJobsByKey,
  deleteSchedule as deleteScheduleRow,
  enqueueJobs,
  getCurrentVersionHead,
  getSchedule,
  insertSchedule,
  listSchedules as listScheduleRows,
  lockSchedule,
  lockScheduleByKey,
  setSchedulePaused,
  updateSchedule,
  type NewJob,
  type Queryable,
  type ScheduleFields,
  type ScheduleRow,
  type ScheduleSource,
} from '../store/index.ts';
import { EngineError, isUuid, limitsOf, type Json } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { checkInput, checkPayloadSize } from './input-schema.ts';
import { decodeCursor, encodeCursor, pageSize } from './paging.ts';
import { cadenceOfRow, checkScheduleRequest, formatEvery, type ScheduleRequest } from './schedule-request.ts';
import type { WorkflowMetadata } from './workflows.ts';

export type { ScheduleRequest } from './schedule-request.ts';

/** The job kind of a schedule's pending tick. */
export const cronTickKind = 'cron-tick';

/** One pending job per schedule: the dedupe key makes a second one impossible. */
export function tickJobKey(scheduleId: string): string {
  return `cron:${scheduleId}`;
}

export function tickJob(scheduleId: string, runAt: Date, queued = false): NewJob {
  return { kind: cronTickKind, runAt, payload: cronTickFormat.encode(queued ? { scheduleId, queued } : { scheduleId }), dedupeKey: tickJobKey(scheduleId) };
}

export interface ScheduleView {
  scheduleId: string;
  workflow: string;
  key: string | null;
  source: ScheduleSource;
  cron: string | null;
  every: string | null;
  timezone: string;
  input: Json;
  paused: boolean;
  overlap: string;
  missed: string;
  nextFireAt: string | null;
  lastFireAt: string | null;
  lastExecutionId: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export function scheduleViewOf(row: ScheduleRow): ScheduleView {
  return {
    scheduleId: row.id, workflow: row.workflowName, key: row.key, source: row.source, cron: row.cron,
    every: row.everySeconds === null ? null : formatEvery(row.everySeconds), timezone: row.timezone, input: row.input,
    paused: row.paused, overlap: row.overlapPolicy, missed: row.missedPolicy, nextFireAt: iso(row.nextFireAt),
    lastFireAt: iso(row.lastFireAt), lastExecutionId: row.lastExecutionId, lastError: row.lastError,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/**
 * Creates a schedule, or updates the workflow's schedule with the same key (`created: false`). An
 * update keeps the pending tick when the cadence (cron, every, timezone) is unchanged, and keeps a
 * paused schedule paused. A key belongs to one source: the API cannot overwrite a file's schedule.
 */
export async function createSchedule(
  deps: Pick<ServiceDeps, 'sql' | 'clock'>,
  request: ScheduleRequest,
  options: { source?: ScheduleSource } = {},
): Promise<ScheduleView & { created: boolean }> {
  const source = options.source ?? 'api';
  const fields = await checkSchedule(deps, request, source);
  return deps.sql.begin(async (tx) => {
    const inserted = await insertSchedule(tx, fields);
    if (inserted) {
      await enqueueTick(tx, inserted);
      return { ...scheduleViewOf(inserted), created: true };
    }
    // Only a keyed schedule conflicts; the insert's conflict means the row exists (deleting it takes this lock too).
    const existing = await lockScheduleByKey(tx, fields.workflowName, fields.key as string);
    if (!existing) throw new EngineError('CONFLICT', 'The schedule was deleted while it was being updated; try again');
    if (existing.source !== source) {
      throw new EngineError('CONFLICT', `The schedule ${fields.key} of ${fields.workflowName} is declared in ${existing.source === 'file' ? 'the workflow file' : 'the API'}; change it there`);
    }
    const sameCadence = existing.cron === fields.cron && existing.everySeconds === fields.everySeconds && existing.timezone === fields.timezone;
    const unchanged = sameCadence && existing.overlapPolicy === fields.overlapPolicy && existing.missedPolicy === fields.missedPolicy
      && canonicalJson(existing.input) === canonicalJson(fields.input);
    if (unchanged) {
      await enqueueTick(tx, existing);
      return { ...scheduleViewOf(existing), created: false };
    }
    const nextFireAt = existing.paused ? null : sameCadence && existing.nextFireAt ? existing.nextFireAt : fields.nextFireAt;
    const updated = await updateSchedule(tx, existing.id, { ...fields, nextFireAt });
    if (!sameCadence) await deleteJobsByKey(tx, [tickJobKey(existing.id)]);
    await enqueueTick(tx, updated);
    return { ...scheduleViewOf(updated), created: false };
  });
}

/**
 * Checks a schedule request without writing anything: every bad field at once, then that the workflow
 * exists and the input matches its parameters. Answers the fields createSchedule writes.
 */
export async function checkSchedule(
  deps: Pick<ServiceDeps, 'sql' | 'clock'>,
  request: ScheduleRequest,
  source: ScheduleSource = 'api',
): Promise<ScheduleFields> {
  // The size first (413, as every payload), so a huge input is refused before it is read further.
  checkPayloadSize(request.input ?? {}, '/input', 'The schedule input');
  const { fields } = checkScheduleRequest(request, source, new Date(deps.clock.now()));
  const version = await getCurrentVersionHead(deps.sql, request.workflow);
  if (!version) throw new EngineError('WORKFLOW_NOT_FOUND', `No workflow is named ${JSON.stringify(request.workflow)}`);
  checkInput((version.metadata as unknown as WorkflowMetadata).parameters, fields.input, request.workflow);
  return fields;
}

/** JSON with object keys sorted: jsonb does not keep the order a request was written in. */
function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The pending tick job of an active schedule (a no-op when it is already there). */
async function enqueueTick(tx: Queryable, row: ScheduleRow): Promise<void> {
  if (!row.paused && row.nextFireAt) await enqueueJobs(tx, [tickJob(row.id, row.nextFireAt)]);
}

export interface ScheduleListRequest {
  workflow?: string;
  key?: string;
  source?: ScheduleSource;
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export async function listSchedules(
  deps: Pick<ServiceDeps, 'sql' | 'limits'>,
  request: ScheduleListRequest = {},
): Promise<{ items: ScheduleView[]; nextCursor: string | null }> {
  const limit = pageSize(request.limit, 100, limitsOf(deps.limits).maxPageSize);
  const cursor = request.cursor ? decodeCursor(request.cursor) : undefined;
  const after = cursor ? { createdAt: cursor.at, id: cursor.id } : undefined;
  const rows = await listScheduleRows(deps.sql, { workflow: request.workflow, key: request.key, source: request.source, after, limit: limit + 1 });
  const items = rows.slice(0, limit).map(scheduleViewOf);
  const last = rows.length > limit ? rows[limit - 1] : null;
  const nextCursor = last ? encodeCursor(last.createdAt, last.id) : null;
  return { items, nextCursor };
}

async function requireSchedule(sql: Queryable, id: string, lock: boolean): Promise<ScheduleRow> {
  const row = lock ? await lockSchedule(sql, id) : await getSchedule(sql, id);
  if (!row) throw new EngineError('SCHEDULE_NOT_FOUND', `No schedule has the id ${JSON.stringify(id)}`);
  return row;
}

/** A schedule with its next `upcoming` fire times (default 5). */
export async function describeSchedule(
  deps: Pick<ServiceDeps, 'sql' | 'clock'>,
  id: string,
  options: { upcoming?: number } = {},
): Promise<ScheduleView & { upcoming: string[] }> {
  const row = await requireSchedule(deps.sql, id, false);
  return { ...scheduleViewOf(row), upcoming: upcomingFires(row, new Date(deps.clock.now()), options.upcoming ?? 5).map((d) => d.toISOString()) };
}

/** The next `count` ticks (at most 1000): from the pending one, or — paused — those a resume now would give. */
export async function nextFires(deps: Pick<ServiceDeps, 'sql' | 'clock'>, id: string, count = 5): Promise<Date[]> {
  return upcomingFires(await requireSchedule(deps.sql, id, false), new Date(deps.clock.now()), count);
}

/**
 * What a schedule request would fire, without writing anything: the request is checked as create
 * checks it (every bad field, the workflow, the input), then its next `count` ticks from now. The
 * dashboard shows them before saving.
 */
export async function previewSchedule(deps: Pick<ServiceDeps, 'sql' | 'clock'>, request: ScheduleRequest, count = 5): Promise<{ timezone: string; upcoming: string[] }> {
  const fields = await checkSchedule(deps, request);
  const fires = upcomingFires({ ...fields, nextFireAt: null }, new Date(deps.clock.now()), count);
  return { timezone: fields.timezone, upcoming: fires.map((d) => d.toISOString()) };
}

function upcomingFires(row: Pick<ScheduleRow, 'cron' | 'everySeconds' | 'timezone' | 'nextFireAt'>, now: Date, count: number): Date[] {
  const cadence = cadenceOfRow(row);
  const fires: Date[] = [];
  let next = row.nextFireAt ?? cadence.first(now);
  while (next && fires.length < Math.min(Math.max(count, 0), 1000)) {
    fires.push(next);
    next = cadence.nextAfter(next, next);
  }
  return fires;
}

/** Stops firing: the pending tick is removed (a paused schedule is left as it is). */
export async function pauseSchedule(deps: Pick<ServiceDeps, 'sql' | 'clock'>, id: string): Promise<ScheduleView> {
  return deps.sql.begin(async (tx) => {
    const row = await requireSchedule(tx, id, true);
    if (row.paused) return scheduleViewOf(row);
    const paused = await setSchedulePaused(tx, row.id, true, null, new Date(deps.clock.now()));
    await deleteJobsByKey(tx, [tickJobKey(row.id)]);
    return scheduleViewOf(paused);
  });
}

/** Fires again from the first tick after now: ticks that passed while paused are not made up. */
export async function resumeSchedule(deps: Pick<ServiceDeps, 'sql' | 'clock'>, id: string): Promise<ScheduleView> {
  return deps.sql.begin(async (tx) => {
    const row = await requireSchedule(tx, id, true);
    if (!row.paused) return scheduleViewOf(row);
    const now = new Date(deps.clock.now());
    const resumed = await setSchedulePaused(tx, row.id, false, cadenceOfRow(row).first(now), now);
    await enqueueTick(tx, resumed);
    return scheduleViewOf(resumed);
  });
}

/**
 * Deletes a schedule and its pending tick; executions it started run on. A schedule declared in a
 * workflow file is removed by deploying the file without it (`declaredInFile` is the deploy's way).
 */
export async function deleteSchedule(
  deps: Pick<ServiceDeps, 'sql'>,
  id: string,
  options: { declaredInFile?: boolean } = {},
): Promise<ScheduleView> {
  return deps.sql.begin(async (tx) => {
    const row = await requireSchedule(tx, id, true);
    if (row.source === 'file' && !options.declaredInFile) {
      throw new EngineError('CONFLICT', `The schedule ${row.id} is declared in the file of ${row.workflowName}; remove it there (or pause it)`);
    }
    await deleteScheduleRow(tx, row.id);
    await deleteJobsByKey(tx, [tickJobKey(row.id)]);
    return scheduleViewOf(row);
  });
}
