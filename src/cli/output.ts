/** Where commands write and how they end: injected, so tests can run the CLI in-process. */
import { sharedModule } from './verbs.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stdout is a terminal: one-object answers are printed for people unless --json. */
  isTTY?: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
};

/** What every command gets: where to write, and how to set the exit code. */
export interface CommandContext {
  io: CliIo;
  exit(code: number): void;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value)}\n`);
}

/** The error as one JSON document: the HTTP API's error body, `{"error":{"code","message","details"}}`. */
export function errorDocument(thrown: unknown): { error: { code: string; message: string; details: unknown } } {
  const { databaseUnavailable, isEngineError } = sharedModule();
  const error = databaseUnavailable(thrown) ?? thrown;
  if (isEngineError(error)) return { error: { code: error.code, message: error.message, details: error.details ?? null } };
  return { error: { code: 'INTERNAL', message: `internal error: ${error instanceof Error ? error.message : String(error)}`, details: null } };
}

/** Engine errors (a lost database connection among them) print their code and message; anything else is a bug and says so, without a stack. */
export function reportError(io: CliIo, thrown: unknown): number {
  const { databaseUnavailable, errorCodes, isEngineError } = sharedModule();
  const error = databaseUnavailable(thrown) ?? thrown;
  if (isEngineError(error)) {
    io.stderr(`nightshift: ${error.message} [${error.code}]\n`);
    return errorCodes[error.code].exit;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`nightshift: internal error: ${message}\n`);
  return 1;
}

/** Rows under a header, each column as wide as its widest cell (the last column is not padded). Nothing at all for no rows but the header. */
export function printTable(io: CliIo, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  io.stdout(`${[header, ...rows].map(line).join('\n')}\n`);
}

export const jsonViewHelp = 'print JSON (the default when stdout is not a terminal)';

/**
 * One object (an execution, a scheduled run): on a terminal without --json, a `field: value` line per
 * field (objects and lists as compact JSON); otherwise one JSON line, as scripts read it.
 */
export function printView(io: CliIo, value: object, json: boolean | undefined): void {
  if (json || !io.isTTY) return printJson(io, value);
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== null);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  io.stdout(entries.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n') + '\n');
}
