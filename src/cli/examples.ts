/** One example per command, shown after its --help (test/cli-help.test.ts checks every command has one). */
import type { Command } from 'commander';

const examples: Record<string, string> = {
  validate: 'nightshift validate workflows/*.yaml',
  execute: "nightshift execute workflows/welcome.yaml --input '{\"name\":\"Ada\"}' --fast-forward",
  dev: 'nightshift dev            # in the project folder, or: nightshift dev path/to/project',
  serve: 'DATABASE_URL=postgres://… nightshift serve --port 3000',
  worker: 'DATABASE_URL=postgres://… nightshift worker',
  migrate: 'DATABASE_URL=postgres://… nightshift migrate',
  start: "nightshift start welcome --input '{\"name\":\"Ada\"}' --wait 10",
  executions: 'nightshift executions ls --status FAILED',
  'executions ls': 'nightshift executions ls --workflow welcome --status FAILED --limit 5',
  'executions show': 'nightshift executions show 0192f0c4-…',
  'executions history': 'nightshift executions history 0192f0c4-… --json',
  'executions stop': "nightshift executions stop 0192f0c4-… --cause 'sent twice'",
  'executions redrive': 'nightshift executions redrive 0192f0c4-…',
  keys: 'nightshift keys ls',
  'keys create': "nightshift keys create --role authenticated --scopes 'start:welcome,read' --name website",
  'keys ls': 'nightshift keys ls --json',
  'keys revoke': 'nightshift keys revoke 0192f0c4-…',
  schedules: 'nightshift schedules ls --workflow digest',
  'schedules ls': 'nightshift schedules ls --workflow digest',
  'schedules show': 'nightshift schedules show 0192f0c4-… --upcoming 10',
  'schedules pause': 'nightshift schedules pause 0192f0c4-…',
  'schedules resume': 'nightshift schedules resume 0192f0c4-…',
  'schedules rm': 'nightshift schedules rm 0192f0c4-…',
  schedule: "nightshift schedule welcome --input '{\"name\":\"Ada\"}' --in 3600",
  scheduled: 'nightshift scheduled ls --kind scheduled-run,cron',
  'scheduled ls': 'nightshift scheduled ls --workflow reminder --where user_id=42',
  'scheduled show': 'nightshift scheduled show 0192f0c4-…',
  'scheduled cancel': 'nightshift scheduled cancel --workflow reminder --where user_id=42',
  'scheduled run-now': 'nightshift scheduled run-now 0192f0c4-…',
  workflows: 'nightshift workflows ls',
  'workflows ls': 'nightshift workflows ls --json',
  'workflows remove': 'nightshift workflows remove old-digest',
  'scheduled batch': 'nightshift scheduled batch 0192f0c4-…',
};

function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Adds the example to each command that has none of its own (init and types write theirs). */
export function addExamples(program: Command): void {
  const walk = (command: Command) => {
    for (const sub of command.commands) {
      const example = examples[pathOf(sub)];
      if (example) sub.addHelpText('after', `\nExample:\n  ${example}\n`);
      walk(sub);
    }
  };
  walk(program);
}
