/**
 * `nightshift execute <file>`: one transient execution in this process. stdout gets exactly one JSON
 * object: {"status":"SUCCEEDED","output":…} or {"status":"FAILED","error":…,"cause":…} (exit 0 / 1);
 * an invalid definition gets {"status":"INVALID","problems":[…]} and a readable list on stderr (exit 2).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createLocalEngine, findProjectDir, loadConfig, executeOnce, formatProblems, validateFile } from './verbs.ts';
import { EngineError, type Json } from '../shared/index.ts';
import { printJson, type CommandContext } from './output.ts';

interface ExecuteOptions {
  input?: string;
  inputFile?: string;
  name?: string;
  handlers?: string;
  project?: string;
  fastForward?: boolean;
}

async function readInput(options: ExecuteOptions): Promise<Json> {
  if (options.input !== undefined && options.inputFile !== undefined) {
    throw new EngineError('INPUT_INVALID', 'Give --input or --input-file, not both');
  }
  const [text, where] =
    options.inputFile !== undefined
      ? [await readFile(options.inputFile, 'utf8').catch(() => { throw new EngineError('FILE_NOT_FOUND', `Cannot read the input file ${options.inputFile}`); }), options.inputFile]
      : [options.input ?? '{}', '--input'];
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new EngineError('INPUT_INVALID', `${where} is not valid JSON: ${(e as Error).message}`);
  }
}

export function registerExecute(program: Command, { io, exit }: CommandContext): void {
  program
    .command('execute')
    .description('run one execution in this process (transient) and print its result as one JSON object')
    .argument('<file>', 'workflow file')
    .option('--input <json>', 'the execution input, as JSON (default {})')
    .option('--input-file <file>', 'read the execution input from a JSON file')
    .option('--name <name>', 'the execution name ($$.Execution.Name)')
    .option('--handlers <module>', 'a module exporting `resources`: in-code handlers by resource name')
    .option('--project <dir>', 'the project whose nightshift.yaml declares smtp, named resources and secrets (default: the nearest one above the file)')
    .option('--fast-forward', 'Wait states and retry intervals pass at once when nothing else is running')
    .action(async (file: string, options: ExecuteOptions) => {
      const input = await readInput(options);
      const config = loadConfig({ projectDir: options.project ?? findProjectDir(file) });
      const engine = await createLocalEngine({ handlersModule: options.handlers, virtualTime: options.fastForward, config });
      try {
        const { workflow, problems } = await validateFile(file, { isKnownResource: (name) => engine.registry.has(name) });
        if (!workflow) {
          io.stderr(`${formatProblems(problems)}\n`);
          printJson(io, { status: 'INVALID', problems });
          exit(2);
          return;
        }
        const result = await executeOnce({ runner: engine.runner }, { workflow, input, name: options.name });
        printJson(
          io,
          result.status === 'SUCCEEDED'
            ? { status: result.status, output: result.output ?? null }
            : { status: result.status, error: result.error ?? null, cause: result.cause ?? null },
        );
        exit(result.status === 'SUCCEEDED' ? 0 : 1);
      } finally {
        engine.close();
      }
    });
}
