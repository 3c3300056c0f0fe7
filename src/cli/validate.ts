/**
 * `nightshift validate [files...] [--dir DIR] [--json]`: exit 0 when every file is valid, 2 otherwise.
 * Without files, the project's workflows/ folder. Each file is read with its project's nightshift.yaml
 * (`workflows:` settings of plain ASL files, `limits:`): --dir's, else the nearest one above the file.
 */
import type { Command } from 'commander';
import { formatProblems, loadConfig, projectDirOfFile, requireProjectDir, validateFiles } from './verbs.ts';
import type { FileValidation } from '../service/index.ts';
import { printJson, type CommandContext } from './output.ts';
import { dirOption } from './dir.ts';
import { workflowFilesOf } from './project.ts';

/** The files grouped by their project (null: none), so each group is validated with its project's settings. */
function byProject(files: string[], dir: string | undefined): Map<string | null, string[]> {
  const groups = new Map<string | null, string[]>();
  for (const file of files) {
    const project = projectDirOfFile(dir, file);
    groups.set(project, [...(groups.get(project) ?? []), file]);
  }
  return groups;
}

async function validateAll(files: string[], dir: string | undefined): Promise<FileValidation[]> {
  if (files.length === 0) {
    const config = loadConfig({ projectDir: requireProjectDir(dir) });
    return validateFiles(await workflowFilesOf(config.workflowsDir), { workflowSettings: config.workflowSettings, limits: config.limits });
  }
  const results = new Map<string, FileValidation>();
  for (const [project, group] of byProject(files, dir)) {
    const config = project === null ? null : loadConfig({ projectDir: project });
    for (const result of await validateFiles(group, config ? { workflowSettings: config.workflowSettings, limits: config.limits } : {})) results.set(result.file, result);
  }
  return files.map((file) => results.get(file)!);
}

export function registerValidate(program: Command, { io, exit }: CommandContext): void {
  const command = program
    .command('validate')
    .description('check workflow files (YAML or JSON, plain ASL or the Nightshift wrapper) and list every problem')
    .argument('[files...]', "workflow files (default: the project's workflows/ folder)")
    .option('--json', 'print the result as JSON, for tools');
  dirOption(command, "the project whose nightshift.yaml the files are read with (default: the nearest one above each file; without files, above the current folder)")
    .action(async (files: string[], options: { json?: boolean; dir?: string }) => {
      const results = await validateAll(files, options.dir);
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
