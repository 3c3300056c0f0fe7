/** `nightshift init [dir]` and `nightshift types [dir]`: a new project, and the input types of its workflows. */
import { readdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProblems, loadConfig, requireProjectDir, scaffoldProject, validateFiles, workflowInputTypes, engineError } from './verbs.ts';
import type { CommandContext } from './output.ts';
import { ownManifest } from './manifest.ts';
import { chosenDir, dirHelp } from './dir.ts';

/** The workflow files of a project's workflows/ folder (validate and types read them). */
export async function workflowFilesOf(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch(() => {
    throw engineError('FILE_NOT_FOUND', `${folder} does not exist: a project keeps its workflow files there`);
  });
  return names.filter((n) => /\.(ya?ml|json)$/i.test(n)).sort().map((n) => relative(process.cwd(), join(folder, n)));
}

export function registerProject(program: Command, { io }: CommandContext): void {
  program
    .command('init')
    .description('scaffold a project: a workflow, a handlers module, nightshift.yaml, .gitignore, a test and package.json (existing files are kept)')
    .argument('[dir]', 'the project folder to make (default: the current folder)')
    .option('--dir <dir>', 'the same as [dir]')
    .addHelpText('after', '\nExample:\n  nightshift init my-jobs && cd my-jobs && npm install && npm start\n')
    .action(async (argument: string | undefined, options: { dir?: string }) => {
      const dir = chosenDir(argument, options.dir) ?? '.';
      const report = await scaffoldProject(dir, ownManifest());
      for (const file of report.created) io.stdout(`created ${file}\n`);
      for (const file of report.kept) io.stdout(`kept    ${file} (it exists)\n`);
      io.stdout(`\nNext: ${dir === '.' ? '' : `cd ${dir} && `}npm install && npm start    (npm test runs test/welcome.test.mjs)\n`);
    });

  program
    .command('types')
    .description("write TypeScript types of each workflow's input (from its `parameters`) and a Workflows map for the typed client")
    .argument('[dir]', dirHelp)
    .option('--dir <dir>', 'the same as [dir]')
    .option('--out <file>', 'where to write (default <project>/nightshift-types.ts; - for stdout)')
    .addHelpText('after', "\nExample:\n  nightshift types && echo \"import type { Workflows } from './nightshift-types.ts'\"\n")
    .action(async (argument: string | undefined, options: { out?: string; dir?: string }) => {
      const config = loadConfig({ projectDir: requireProjectDir(chosenDir(argument, options.dir)) });
      const results = await validateFiles(await workflowFilesOf(config.workflowsDir), { workflowSettings: config.workflowSettings, limits: config.limits });
      const invalid = results.filter((r) => !r.workflow);
      if (invalid.length > 0) {
        const problems = invalid.flatMap((r) => r.problems);
        throw engineError('DEFINITION_INVALID', `${invalid.length} workflow file(s) are invalid:\n${formatProblems(problems)}`, { details: { problems } });
      }
      const text = await workflowInputTypes(results.map((r) => r.workflow!));
      if (options.out === '-') {
        io.stdout(text);
        return;
      }
      const out = resolve(options.out ?? join(config.projectDir, 'nightshift-types.ts'));
      await writeFile(out, text);
      io.stdout(`wrote ${relative(process.cwd(), out)} (${results.length} workflow${results.length === 1 ? '' : 's'})\n`);
    });
}
