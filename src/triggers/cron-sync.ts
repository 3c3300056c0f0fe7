/**
 * Schedules declared in workflow files (`triggers: [{cron: "0 9 * * MON", timezone: Europe/Paris,
 * input: {...}}, {every: 15m}]`), kept in step with the file on every deploy: a trigger added creates
 * a schedule, a trigger changed updates it (its pending tick kept unless the cadence changed), a
 * trigger removed deletes it. A file schedule's key is the trigger's `key`, or `file:<n>`: its
 * position among the file's cron and every triggers.
 */
import { EngineError, isEngineError, type JsonObject, type Logger } from '../shared/index.ts';
import {
  checkSchedule,
  createSchedule,
  deleteSchedule,
  describeWorkflow,
  listSchedules,
  type ScheduleRequest,
  type ServiceDeps,
} from '../service/index.ts';

interface Problem {
  path: string;
  message: string;
}

/** The cron and every triggers of a workflow file, as schedule requests keyed for the upsert. */
export function scheduleTriggers(workflowName: string, triggers: readonly JsonObject[]): ScheduleRequest[] {
  return triggers
    .filter((t) => 'cron' in t || 'every' in t)
    .map((t, n) => ({
      workflow: workflowName,
      key: typeof t.key === 'string' ? t.key : `file:${n}`,
      cron: t.cron as string | undefined,
      every: t.every as string | undefined,
      timezone: t.timezone as string | undefined,
      input: t.input ?? {},
      overlap: t.overlap as ScheduleRequest['overlap'],
      missed: t.missed as ScheduleRequest['missed'],
    }));
}

/**
 * Makes the `source = 'file'` schedules of a workflow match its triggers. Every trigger is checked
 * before anything changes: one bad trigger (a bad cron, an unknown timezone) changes nothing and
 * throws INPUT_INVALID naming `triggers/<n>/<field>`.
 */
export async function syncFileSchedules(
  deps: Pick<ServiceDeps, 'sql' | 'clock'>,
  workflowName: string,
  triggers: readonly JsonObject[],
): Promise<{ scheduleIds: string[]; removed: string[] }> {
  const requests = scheduleTriggers(workflowName, triggers);
  // Where each request's trigger sits in the file's triggers list, for the problems' paths.
  const positions = triggers.flatMap((t, i) => ('cron' in t || 'every' in t ? [i] : []));
  const keys = requests.map((r) => r.key);
  const problems: Problem[] = [];
  keys.forEach((key, n) => {
    if (keys.indexOf(key) !== n) problems.push({ path: `triggers/${positions[n]}/key`, message: `the key ${JSON.stringify(key)} is used twice` });
  });
  for (const [n, request] of requests.entries()) problems.push(...(await problemsOf(deps, request, positions[n])));
  if (problems.length > 0) {
    throw new EngineError('INPUT_INVALID', `The schedules of ${workflowName} are invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
      details: { problems },
    });
  }
  const scheduleIds: string[] = [];
  for (const request of requests) scheduleIds.push((await createSchedule(deps, request, { source: 'file' })).scheduleId);
  const removed: string[] = [];
  // Every page: a page holds at most limits.maxPageSize schedules.
  let cursor: string | undefined;
  do {
    const existing = await listSchedules(deps, { workflow: workflowName, source: 'file', cursor });
    for (const schedule of existing.items) {
      if (scheduleIds.includes(schedule.scheduleId)) continue;
      await deleteSchedule(deps, schedule.scheduleId, { declaredInFile: true });
      removed.push(schedule.scheduleId);
    }
    cursor = existing.nextCursor ?? undefined;
  } while (cursor);
  return { scheduleIds, removed };
}

async function problemsOf(deps: Pick<ServiceDeps, 'sql' | 'clock'>, request: ScheduleRequest, position: number): Promise<Problem[]> {
  try {
    await checkSchedule(deps, request, 'file');
    return [];
  } catch (e) {
    if (!isEngineError(e) || e.code !== 'INPUT_INVALID') throw e;
    const listed = (e.details as { problems?: Array<{ path?: string; pointer?: string; message: string }> } | undefined)?.problems ?? [];
    if (listed.length === 0) return [{ path: `triggers/${position}`, message: e.message }];
    return listed.map((p) => ({ path: `triggers/${position}/${p.path ?? `input${p.pointer ?? ''}`}`, message: p.message }));
  }
}

/** Syncs the file schedules of a deployed workflow from its current version's triggers. */
export async function syncWorkflowSchedules(deps: Pick<ServiceDeps, 'sql' | 'clock'>, workflowName: string) {
  const workflow = await describeWorkflow(deps, workflowName);
  return syncFileSchedules(deps, workflowName, workflow.metadata.triggers ?? []);
}

/**
 * After a folder deploy (boot calls it): syncs every deployed workflow's file schedules. A workflow
 * whose triggers are invalid keeps its previous schedules and is reported to the logger.
 */
export async function syncDeployedSchedules(
  deps: Pick<ServiceDeps, 'sql' | 'clock'>,
  report: { deployed: ReadonlyArray<{ name: string }> },
  logger: Logger,
): Promise<void> {
  for (const { name } of report.deployed) {
    try {
      await syncWorkflowSchedules(deps, name);
    } catch (e) {
      logger.warn({ workflow: name, error: e instanceof Error ? e.message : String(e) }, 'the schedules of a workflow were not synced');
    }
  }
}
