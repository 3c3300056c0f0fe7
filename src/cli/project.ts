/** `nightshift init [dir]` and `nightshift types [dir]`: a new project, and the input types of its workflows. */
import { readdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProblems, scaffoldProject, validateFiles, workflowInputTypes } from './verbs.ts';
import { EngineError } from '../shared/index.ts';
import type { CommandContext } from './output.ts';
import { ownManifest } from './manifest.ts';

async function workflowFilesOf(dir: string): Promise<string[]> {
  const folder = join(dir, 'workflows');
  const names = await readdir(folder).catch(() => {
    throw new EngineError('FILE_NOT_FOUND', `${folder} does not exist: run nightshift types in a project folder (or give its path)`);
  });
  return names.filter((n) => /\.(ya?ml|json)$/i.test(n)).sort().map((n) => join(folder, n));
}

export function registerProject(program: Command, { io }: CommandContext): void {
  program
    .command('init')
    .description('scaffold a project: a workflow, a handlers module, nightshift.yaml, .gitignore, a test and package.json (existing files are kept)')
    .argument('[dir]', 'the project folder', '.')
    .addHelpText('after', '\nExample:\n  nightshift init my-jobs && cd my-jobs && npm install && npm start\n')
    .action(async (dir: string) => {
      const report = await scaffoldProject(dir, ownManifest());
      for (const file of report.created) io.stdout(`created ${file}\n`);
      for (const file of report.kept) io.stdout(`kept    ${file} (it exists)\n`);
      io.stdout(`\nNext: ${dir === '.' ? '' : `cd ${dir} && `}npm install && npm start    (npm test runs test/welcome.test.mjs)\n`);
    });

  program
    .command('types')
    .description("write TypeScript types of each workflow's input (from its `parameters`) and a Workflows map for the typed client")
    .argument('[dir]', 'the project folder', '.')
    .option('--out <file>', 'where to write (default <dir>/nightshift-types.ts; - for stdout)')
    .addHelpText('after', "\nExample:\n  nightshift types && echo \"import type { Workflows } from './nightshift-types.ts'\"\n")
    .action(async (dir: string, options: { out?: string }) => {
      const results = await validateFiles(await workflowFilesOf(dir));
      const invalid = results.filter((r) => !r.workflow);
      if (invalid.length > 0) {
        const problems = invalid.flatMap((r) => r.problems);
        throw new EngineError('DEFINITION_INVALID', `${invalid.length} workflow file(s) are invalid:\n${formatProblems(problems)}`, { details: { problems } });
      }
      const text = await workflowInputTypes(results.map((r) => r.workflow!));
      if (options.out === '-') {
        io.stdout(text);
        return;
      }
      const out = resolve(options.out ?? join(dir, 'nightshift-types.ts'));
      await writeFile(out, text);
      io.stdout(`wrote ${relative(process.cwd(), out)} (${results.length} workflow${results.length === 1 ? '' : 's'})\n`);
    });
}
