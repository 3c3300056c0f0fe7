/** How every command ends: one line of JSON or text, and the exit code of the error table. */
import { errorCodes, isEngineError, type EngineError } from '../shared/index.ts';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function exitCodeOf(error: EngineError): number {
  return errorCodes[error.code].exit;
}

/** Engine errors print their code and message; anything else is a bug and says so, without a stack. */
export function reportError(error: unknown): number {
  if (isEngineError(error)) {
    process.stderr.write(`nightshift: ${error.message} [${error.code}]\n`);
    return exitCodeOf(error);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`nightshift: internal error: ${message}\n`);
  return 1;
}
