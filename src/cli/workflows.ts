/** `nightshift workflows ls|remove`: the deployed workflows, and removing (archiving) one. */
import type { Command } from 'commander';
import { listWorkflows, removeWorkflow } from './verbs.ts';
import { jsonViewHelp, printJson, printTable, printView, type CommandContext } from './output.ts';
import { dirHelp } from './dir.ts';
import { withEngine } from './engine.ts';

export function registerWorkflows(program: Command, context: CommandContext): void {
  const { io } = context;
  const workflows = program.command('workflows').description('list the deployed workflows, remove (archive) one');
  workflows
    .command('ls')
    .description('the workflows with their current version; removed ones say since when')
    .option('--json', 'print JSON')
    .option('--dir <dir>', dirHelp)
    .action(async (options: { json?: boolean; dir?: string }) => {
      await withEngine(options.dir, async (engine) => {
        const items = await listWorkflows(engine.deps);
        if (options.json) printJson(io, { items });
        else printTable(io, ['WORKFLOW', 'VERSION', 'STATE'], items.map((w) => [w.name, w.versionId ?? '-', w.archivedAt ? `removed ${w.archivedAt}` : 'deployed']));
      });
    });
  workflows
    .command('remove')
    .description('archive a workflow: no new starts, its table triggers and file schedules gone; executions and history stay; deploying it again restores it')
    .argument('<name>')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .addHelpText('after', '\nExample:\n  nightshift workflows remove welcome-email\n')
    .action(async (name: string, options: { dir?: string; json?: boolean }) => {
      await withEngine(options.dir, async (engine) => printView(io, await removeWorkflow(engine.deps, name), options.json));
    });
}
