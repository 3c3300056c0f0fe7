/** `nightshift validate <files...> [--json]`: exit 0 when every file is valid, 2 otherwise. */
import type { Command } from 'commander';
import { formatProblems, validateFiles } from './verbs.ts';
import { printJson, type CommandContext } from './output.ts';

export function registerValidate(program: Command, { io, exit }: CommandContext): void {
  program
    .command('validate')
    .description('check workflow files (YAML or JSON, plain ASL or the Nightshift wrapper) and list every problem')
    .argument('<files...>', 'workflow files')
    .option('--json', 'print the result as JSON, for tools')
    .action(async (files: string[], options: { json?: boolean }) => {
      const results = await validateFiles(files);
      const invalid = results.filter((r) => r.problems.length > 0);
      if (options.json) {
        printJson(io, { valid: invalid.length === 0, files: results.map((r) => ({ file: r.file, valid: r.problems.length === 0, problems: r.problems })) });
      } else {
        for (const r of results) {
          if (r.problems.length === 0) io.stdout(`✓ ${r.file}\n`);
          else io.stdout(`✗ ${r.file}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}\n${formatProblems(r.problems)}\n`);
        }
      }
      exit(invalid.length === 0 ? 0 : 2);
    });
}
