/** The process logger: pino, JSON lines on stderr (stdout stays for command output). */
import { pino, destination } from 'pino';
import type { Logger } from '../shared/index.ts';

export function createLogger(level: 'debug' | 'info' | 'warn' | 'error' | 'silent'): Logger {
  const log = pino({ level, base: undefined }, destination(2));
  return {
    debug: (fields, message) => log.debug(fields, message),
    info: (fields, message) => log.info(fields, message),
    warn: (fields, message) => log.warn(fields, message),
    error: (fields, message) => log.error(fields, message),
  };
}
