/**
 * Pages of lists: the page size against limits.maxPageSize, and the keyset cursor every list hands
 * out (base64url of `<ISO time>|<id>`). A cursor is read back into SQL, so one that this API could
 * not have given — bad base64, a time outside years 1970 to 9999 (Postgres or the driver would fail
 * on it: a 500), an id of the wrong shape or with a NUL — is refused here with INPUT_INVALID.
 */
import { EngineError, isUuid } from '../shared/index.ts';

/** The page size asked for, or `fallback`; above `max`: PAGE_LIMIT_EXCEEDED (never silently clamped). */
export function pageSize(requested: number | undefined, fallback: number, max: number): number {
  if (requested === undefined) return Math.min(fallback, max);
  if (!Number.isInteger(requested) || requested < 1) {
    throw new EngineError('INPUT_INVALID', `limit must be a whole number from 1 to ${max}`, {
      details: { problems: [{ path: 'query.limit', message: `must be a whole number from 1 to ${max}` }] },
    });
  }
  if (requested > max) {
    throw new EngineError('PAGE_LIMIT_EXCEEDED', `limit ${requested} is above the most one page may hold, ${max}: ask for fewer and follow nextCursor`, {
      details: { limit: requested, max },
    });
  }
  return requested;
}

export interface Cursor {
  at: Date;
  id: string;
}

/** 10000-01-01T00:00:00Z: the first time whose ISO form needs a six-digit year. */
const endOfYear9999 = 253_402_300_800_000;

/** Ids of rows (uuids); `<uuid>:<invocation>` for the Scheduler's task-token waits. */
export const cursorIds = {
  uuid: isUuid,
  schedulerItem: (id: string) => isUuid(id.slice(0, 36)) && /^(:[A-Za-z0-9_.-]{1,64})?$/.test(id.slice(36)),
} as const;

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string, isId: (id: string) => boolean = cursorIds.uuid): Cursor {
  const text = Buffer.from(cursor, 'base64url').toString();
  const split = text.indexOf('|');
  const at = split < 0 ? NaN : Date.parse(text.slice(0, split));
  const id = text.slice(split + 1);
  if (!(at >= 0 && at < endOfYear9999) || !isId(id)) {
    throw new EngineError('INPUT_INVALID', 'cursor is not one this API gave: pass the nextCursor of the previous page as it came', {
      details: { problems: [{ path: 'query.cursor', message: 'not a cursor this API gave' }] },
    });
  }
  return { at: new Date(at), id };
}
