/** The `nightshift` command: argument parsing and output only; the work is in service and boot. */
import { Command, CommanderError } from 'commander';
import { registerExecute } from './execute.ts';
import { reportError } from './output.ts';
import { registerValidate } from './validate.ts';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('nightshift')
    .description('Backend workflows on Postgres: Amazon States Language state machines, durable and inspectable')
    .exitOverride()
    .showHelpAfterError();
  registerValidate(program);
  registerExecute(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(e);
  }
}
