/** The `nightshift` command: argument parsing and output only; the work is in service and boot. */
import { Command, CommanderError } from 'commander';
import { registerExecute } from './execute.ts';
import { registerExecutions } from './executions.ts';
import { registerKeys } from './keys.ts';
import { registerProject } from './project.ts';
import { registerSchedules } from './schedules.ts';
import { registerScheduling } from './scheduling.ts';
import { registerServer } from './server.ts';
import { processIo, reportError, type CliIo, type CommandContext } from './output.ts';
import { registerValidate } from './validate.ts';
import { registerWorkflows } from './workflows.ts';
import { loadVerbs } from './verbs.ts';

/** Runs one command line and resolves to its exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let code = 0;
  const context: CommandContext = { io, exit: (c) => (code = c) };
  const program = new Command('nightshift')
    .description('Backend workflows on Postgres: Amazon States Language state machines, durable and inspectable')
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
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(io, e);
  }
}
