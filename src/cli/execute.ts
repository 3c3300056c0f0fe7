/**
 * `nightshift execute <file>`: one transient execution in this process. stdout gets exactly one JSON
 * object, whatever happens: {"status":"SUCCEEDED","output":…} or {"status":"FAILED","error":…,"cause":…}
 * (exit 0 / 1); an invalid definition gets {"status":"INVALID","problems":[…]} and a readable list on
 * stderr (exit 2); anything refused before the run (an input its parameters refuse, a bad option, a
 * usage error) gets {"status":"ERROR","error":{"code","message","details"}} (main.ts) with the code's exit.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { createLocalEngine, loadConfig, projectDirOfFile, executeOnce, formatProblems, validateFile, engineError } from './verbs.ts';
import type { Json } from '../shared/index.ts';
import { printJson, type CommandContext } from './output.ts';
import { chosenDir } from './dir.ts';

interface ExecuteOptions {
  input?: string;
  inputFile?: string;
  name?: string;
  handlers?: string;
  dir?: string;
  project?: string;
  fastForward?: boolean;
  role?: string;
  claims?: string;
}

async function readInput(options: ExecuteOptions): Promise<Json> {
  if (options.input !== undefined && options.inputFile !== undefined) {
    throw engineError('INPUT_INVALID', 'Give --input or --input-file, not both');
  }
  const [text, where] =
    options.inputFile !== undefined
      ? [await readFile(options.inputFile, 'utf8').catch(() => { throw engineError('FILE_NOT_FOUND', `Cannot read the input file ${options.inputFile}`); }), options.inputFile]
      : [options.input ?? '{}', '--input'];
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw engineError('INPUT_INVALID', `${where} is not valid JSON: ${(e as Error).message}`);
  }
}

function identityOf(options: ExecuteOptions): Json | undefined {
  if (options.role === undefined) {
    if (options.claims !== undefined) throw engineError('INPUT_INVALID', '--claims goes with --role: the role sql:query runs as');
    return undefined;
  }
  let claims: Json = {};
  try {
    claims = options.claims === undefined ? {} : (JSON.parse(options.claims) as Json);
  } catch (e) {
    throw engineError('INPUT_INVALID', `--claims is not valid JSON: ${(e as Error).message}`);
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw engineError('INPUT_INVALID', '--claims must be a JSON object');
  return { role: options.role, claims };
}

export function registerExecute(program: Command, { io, exit }: CommandContext): void {
  program
    .command('execute')
    .description('run one execution in this process (transient) and print its result as one JSON object')
    .argument('<file>', 'workflow file')
    .option('--input <json>', 'the execution input, as JSON (default {})')
    .option('--input-file <file>', 'read the execution input from a JSON file')
    .option('--name <name>', 'the execution name ($$.Execution.Name)')
    .option('--handlers <module>', 'a module exporting `resources`: in-code handlers by resource name (default: the project\'s `handlers:` in nightshift.yaml)')
    .option('--dir <dir>', 'the project whose nightshift.yaml declares handlers, smtp, named resources and secrets (default: the nearest one above the file)')
    // --project is the option's first name, kept for scripts that use it.
    .addOption(new Option('--project <dir>').hideHelp())
    .option('--fast-forward', 'Wait states and retry intervals pass at once when nothing else is running')
    .option('--role <role>', 'the Postgres role sql:query runs as (SET LOCAL ROLE, so row-level security applies), as an API key\'s role would')
    .option('--claims <json>', 'the JWT claims sql:query sees in request.jwt.claims, with --role (default {})')
    .option('--json', 'the answer is one JSON object with or without it; accepted as every command accepts it')
    .action(async (file: string, options: ExecuteOptions) => {
      const input = await readInput(options);
      const identity = identityOf(options);
      const config = loadConfig({ projectDir: projectDirOfFile(chosenDir(options.project, options.dir), file) ?? undefined });
      const engine = await createLocalEngine({ handlersModule: options.handlers ?? config.handlersModule ?? undefined, virtualTime: options.fastForward, config });
      try {
        // A file run once is never deployed: its file name need not be a workflow name (order.v2.json).
        const { workflow, problems } = await validateFile(file, { isKnownResource: (name) => engine.registry.has(name), anyFileName: true, workflowSettings: config.workflowSettings });
        if (!workflow) {
          io.stderr(`${formatProblems(problems)}\n`);
          printJson(io, { status: 'INVALID', problems });
          exit(2);
          return;
        }
        engine.useSqlRules(workflow);
        const result = await executeOnce({ runner: engine.runner }, { workflow, input, name: options.name, identity });
        printJson(
          io,
          result.status === 'SUCCEEDED'
            ? { status: result.status, output: result.output ?? null }
            : { status: result.status, error: result.error ?? null, cause: result.cause ?? null },
        );
        exit(result.status === 'SUCCEEDED' ? 0 : 1);
      } finally {
        await engine.close();
      }
    });
}
