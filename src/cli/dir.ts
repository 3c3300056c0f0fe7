/**
 * The project folder option, the same on every command: `--dir DIR`, beside the `[dir]` argument of the
 * commands that always had one (init, types, dev, serve, worker, migrate). Where the project is looked
 * for when neither is given is config/project.ts's rule (the nearest one upwards, as git does).
 */
import type { Command } from 'commander';
import { engineError } from './verbs.ts';

export const dirHelp = 'the project folder (default: the nearest one at or above the current folder)';

/** Adds `--dir <dir>` with its one help text. */
export function dirOption(command: Command, help = dirHelp): Command {
  return command.option('--dir <dir>', help);
}

/** The folder named by the `[dir]` argument or `--dir`; naming two different ones is a usage error. */
export function chosenDir(argument: string | undefined, option: string | undefined): string | undefined {
  if (argument !== undefined && option !== undefined && argument !== option) {
    throw engineError('INPUT_INVALID', `Two project folders given: ${JSON.stringify(argument)} and --dir ${JSON.stringify(option)}; give one`);
  }
  return argument ?? option;
}
