/**
 * What `nightshift validate` can tell about a workflow file's triggers without a database: cron syntax
 * (croner, as the scheduler reads it), `every:` durations, IANA timezones, event names. Checks that need
 * the database (the table exists, the `when` condition compiles) run at deploy (boot's trigger check).
 */
import type { Problem, WorkflowFile } from '../asl/index.ts';
import { parseEvery, timezoneProblem, tryCadence } from './cadence.ts';

const eventNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function staticTriggerProblems(workflow: WorkflowFile): Problem[] {
  const problems: Problem[] = [];
  workflow.triggers.forEach((trigger, i) => {
    const say = (field: string, message: string) => problems.push({ code: 'TRIGGER_INVALID', message, pointer: `/triggers/${i}/${field}` });
    const timezone = trigger.timezone;
    if (timezone !== undefined) {
      const problem = typeof timezone === 'string' ? timezoneProblem(timezone) : { message: 'timezone must be an IANA timezone name such as Europe/Paris' };
      if (problem) say('timezone', problem.message);
    }
    if ('cron' in trigger) {
      if (typeof trigger.cron !== 'string') say('cron', 'cron must be a 5- or 6-field cron expression such as "0 9 * * MON"');
      else {
        const cadence = tryCadence({ cron: trigger.cron, everySeconds: null, timezone: typeof timezone === 'string' && !timezoneProblem(timezone) ? timezone : 'UTC' });
        if ('field' in cadence && cadence.field === 'cron') say('cron', cadence.message);
      }
    }
    if ('every' in trigger) {
      const every = typeof trigger.every === 'string' ? parseEvery(trigger.every) : { message: 'every must be a duration such as 30s, 15m, 2h or 1d' };
      if (typeof every !== 'number') say('every', every.message);
    }
    if ('event' in trigger && (typeof trigger.event !== 'string' || !eventNamePattern.test(trigger.event))) {
      say('event', `${JSON.stringify(trigger.event)} is not an event name: a letter or digit, then letters, digits, '_', '.', ':' or '-', at most 128 characters`);
    }
  });
  return problems;
}

/** Two files that deploy the same workflow name: each one after the first gets a problem at its name. */
export function duplicateNameProblems(files: ReadonlyArray<{ file: string; workflow: WorkflowFile | null }>): Map<string, Problem> {
  const first = new Map<string, string>();
  const problems = new Map<string, Problem>();
  for (const { file, workflow } of files) {
    if (!workflow) continue;
    const earlier = first.get(workflow.name);
    if (earlier === undefined) first.set(workflow.name, file);
    else {
      problems.set(file, {
        code: 'WORKFLOW_NAME_DUPLICATE',
        message: `The workflow name ${JSON.stringify(workflow.name)} is already used by ${earlier}; each workflow file needs its own name.`,
        pointer: workflow.definitionPointer === '' ? '' : '/name',
        file,
      });
    }
  }
  return problems;
}
