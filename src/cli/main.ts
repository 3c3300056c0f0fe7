/** The `nightshift` command: argument parsing and output only; the work is in service and boot. */
import { Command, CommanderError } from 'commander';
import { registerExecute } from './execute.ts';
import { registerExecutions } from './executions.ts';
import { registerKeys } from './keys.ts';
import { registerProject } from './project.ts';
import { registerSchedules } from './schedules.ts';
import { registerScheduling } from './scheduling.ts';
import { registerServer } from './server.ts';
import { errorDocument, printJson, processIo, reportError, type CliIo, type CommandContext } from './output.ts';
import { registerValidate } from './validate.ts';
import { registerWorkflows } from './workflows.ts';
import { engineError, loadShared, loadVerbs } from './verbs.ts';
import { addExamples } from './examples.ts';
import { ownManifest } from './manifest.ts';

/** Every command, registered on a new program. */
export function buildProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command('nightshift')
    .description('Backend workflows on Postgres: Amazon States Language state machines, durable and inspectable')
    .version(ownManifest().version, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    // The engine loads only when a command runs, never for --help or a usage error.
    .hook('preAction', loadVerbs);
  registerValidate(program, context);
  registerExecute(program, context);
  registerServer(program, context);
  registerExecutions(program, context);
  registerKeys(program, context);
  registerSchedules(program, context);
  registerScheduling(program, context);
  registerWorkflows(program, context);
  registerProject(program, context);
  addExamples(program);
  return program;
}

/** The command a command line names (its leading words), as far as they name one. */
function commandOf(program: Command, argv: string[]): Command {
  let command = program;
  for (const word of argv) {
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    command = sub;
  }
  return command;
}

/**
 * Runs one command line and resolves to its exit code. A failure prints `nightshift: <message> [CODE]`
 * on stderr; with --json (and always for execute, whose answer is JSON) also one JSON document on stdout.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let code = 0;
  const program = buildProgram({ io, exit: (c) => (code = c) });
  const command = commandOf(program, argv);
  /** The JSON document first (stdout), then the line for people (stderr, which `report` writes). */
  const failed = (error: unknown, report: () => number) => {
    if (command.name() === 'execute') printJson(io, { status: 'ERROR', ...errorDocument(error) });
    else if (command.options.some((o) => o.long === '--json') && (command.opts().json === true || argv.includes('--json'))) printJson(io, errorDocument(error));
    return report();
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    // --help and --version end here too, as a CommanderError with exit code 0, before anything else loads.
    if (e instanceof CommanderError && e.exitCode === 0) return 0;
    const { errorCodes } = await loadShared();
    // Every usage error (a missing argument, an unknown option or command, a bad option value) is INPUT_INVALID's exit code.
    if (e instanceof CommanderError) {
      return failed(engineError('INPUT_INVALID', e.message.replace(/^error: /, '')), () => errorCodes.INPUT_INVALID.exit);
    }
    return failed(e, () => reportError(io, e));
  }
}
