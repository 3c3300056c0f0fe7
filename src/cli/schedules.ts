/** `nightshift schedules ls|show|pause|resume|rm`: recurring schedules, from a shell. */
import type { Command } from 'commander';
import { deleteSchedule, describeSchedule, listSchedules, pauseSchedule, resumeSchedule } from './verbs.ts';
import type { ScheduleView } from '../service/index.ts';
import { jsonViewHelp, printJson, printView, printTable, type CommandContext } from './output.ts';
import { dirHelp } from './dir.ts';
import { segment, viaEngineOrApi as call } from './engine.ts';


function row(view: ScheduleView): string[] {
  const cadence = view.cron !== null ? `cron ${view.cron} ${view.timezone}` : `every ${view.every}`;
  const next = view.paused ? 'paused' : (view.nextFireAt ?? '-');
  return [view.scheduleId, view.workflow, view.key ?? '', next, cadence];
}

export function registerSchedules(program: Command, context: CommandContext): void {
  const { io } = context;
  const schedules = program.command('schedules').description('list, pause, resume and remove recurring schedules (cron, every)');
  schedules
    .command('ls')
    .description('list schedules in creation order')
    .option('--workflow <name>', 'only schedules of this workflow')
    .option('--key <key>', 'only the schedule with this external key')
    .option('--limit <n>', 'how many', (v) => Number(v), 100)
    .option('--json', 'print JSON')
    .option('--dir <dir>', dirHelp)
    .action(async (options: { workflow?: string; key?: string; limit: number; json?: boolean; dir?: string }) => {
      const query = { workflow: options.workflow, key: options.key, limit: options.limit };
      const page = await call(options.dir, (deps) => listSchedules(deps, query), { method: 'GET', path: '/v1/schedules', query });
      if (options.json) printJson(io, page);
      else printTable(io, ['SCHEDULE', 'WORKFLOW', 'KEY', 'NEXT', 'CADENCE'], page.items.map(row));
    });
  schedules
    .command('show')
    .description('a schedule with its next fire times')
    .argument('<id>')
    .option('--upcoming <n>', 'how many next fire times', (v) => Number(v), 5)
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { upcoming: number; dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => describeSchedule(deps, id, { upcoming: options.upcoming }), {
        method: 'GET', path: `/v1/schedules/${segment(id)}`, query: { upcoming: options.upcoming },
      }), options.json);
    });
  schedules
    .command('pause')
    .argument('<id>')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => pauseSchedule(deps, id), { method: 'POST', path: `/v1/schedules/${segment(id)}/pause` }), options.json);
    });
  schedules
    .command('resume')
    .argument('<id>')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => resumeSchedule(deps, id), { method: 'POST', path: `/v1/schedules/${segment(id)}/resume` }), options.json);
    });
  schedules
    .command('rm')
    .description('delete a schedule created through the API (file schedules go with their trigger)')
    .argument('<id>')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => deleteSchedule(deps, id), { method: 'DELETE', path: `/v1/schedules/${segment(id)}` }), options.json);
    });
}
