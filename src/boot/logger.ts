/**
 * The process logger: pino on stderr (stdout stays for command output). JSON lines by default, what
 * `serve` and `worker` write for a log collector; with `pretty` (`dev` on a terminal) one coloured line
 * per record through pino-pretty, loaded only then.
 */
import { pino, destination } from 'pino';
import type { Logger } from '../shared/index.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  /** One coloured, human-readable line per record instead of JSON. */
  pretty?: boolean;
  /** Where lines go; default stderr. */
  stream?: NodeJS.WritableStream;
}

export async function createLogger(level: LogLevel, options: LoggerOptions = {}): Promise<Logger> {
  const out = options.pretty ? await prettyStream(options.stream) : (options.stream ?? destination(2));
  const log = pino({ level, base: undefined }, out);
  return {
    debug: (fields, message) => log.debug(fields, message),
    info: (fields, message) => log.info(fields, message),
    warn: (fields, message) => log.warn(fields, message),
    error: (fields, message) => log.error(fields, message),
  };
}

async function prettyStream(stream: NodeJS.WritableStream | undefined): Promise<NodeJS.WritableStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true,
    // Our `error` field is an ASL error name, not an Error object: pino-pretty would print it on lines of its own.
    errorLikeObjectKeys: ['err'],
    destination: stream ?? 2,
  });
}
