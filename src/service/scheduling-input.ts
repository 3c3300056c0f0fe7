/** Reading what a schedule request gives: due times, and a list's items checked against the parameters. */
import { compileParametersSchema } from '../asl/index.ts';
import { maxPayloadBytes } from '../core/index.ts';
import { EngineError, jsonByteSize, type Json, type JsonObject } from '../shared/index.ts';

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuid.test(value);
}

/** An RFC 3339 time with its offset (no local-time guessing), or a Date. */
export function parseTime(value: string | Date, field: string): Date {
  const ms = value instanceof Date ? value.getTime() : rfc3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new EngineError('INPUT_INVALID', `${field} must be an RFC 3339 time with an offset, such as 2030-01-31T09:00:00Z; got ${JSON.stringify(value)}`, {
      details: { problems: [{ pointer: `/${field}`, message: 'must be an RFC 3339 time with an offset' }] },
    });
  }
  return new Date(ms);
}

/** Longest delay accepted: about 100 years. */
const maxDelaySeconds = 100 * 366 * 86_400;

/** The due time of `{at}` or `{delaySeconds}` (exactly one); a time in the past is due now. */
export function dueTimeOf(request: { at?: string | Date; delaySeconds?: number }, now: number): Date {
  const { at, delaySeconds } = request;
  if ((at === undefined) === (delaySeconds === undefined)) {
    throw new EngineError('INPUT_INVALID', 'Give either at (an RFC 3339 time) or delaySeconds (seconds from now), not both or neither', {
      details: { problems: [{ pointer: at === undefined ? '/at' : '/delaySeconds', message: 'give at or delaySeconds' }] },
    });
  }
  if (delaySeconds !== undefined) {
    if (typeof delaySeconds !== 'number' || !Number.isFinite(delaySeconds) || delaySeconds < 0 || delaySeconds > maxDelaySeconds) {
      throw new EngineError('INPUT_INVALID', `delaySeconds must be a number of seconds from 0 to ${maxDelaySeconds}`, {
        details: { problems: [{ pointer: '/delaySeconds', message: `must be a number from 0 to ${maxDelaySeconds}` }] },
      });
    }
    return new Date(now + Math.round(delaySeconds * 1000));
  }
  return new Date(Math.max(now, parseTime(at as string | Date, 'at').getTime()));
}

/** At most this many problems are reported for a list, so a wholly wrong list gives a readable error. */
const maxReported = 20;

/**
 * Every item against the payload limit, before anything else is looked at: 413 PAYLOAD_TOO_LARGE naming
 * each item too large by its pointer (`/items/3`), at most 20 of them.
 */
export function checkListItemSizes(items: readonly Json[]): void {
  const problems: Array<{ pointer: string; message: string; bytes: number }> = [];
  let large = 0;
  for (let i = 0; i < items.length; i++) {
    const bytes = items[i] === undefined ? 0 : jsonByteSize(items[i]);
    if (bytes <= maxPayloadBytes) continue;
    large++;
    if (problems.length < maxReported) problems.push({ pointer: `/items/${i}`, message: `items[${i}] is ${bytes} bytes, more than ${maxPayloadBytes} (256 KiB)`, bytes });
  }
  if (large === 0) return;
  const more = large > 1 ? ` (${large} items are too large; the first ${problems.length} are listed)` : '';
  throw new EngineError('PAYLOAD_TOO_LARGE', `An item of the list is larger than ${maxPayloadBytes} bytes (256 KiB)${more}: ${problems.map((p) => p.message).join('; ')}`, {
    details: { pointer: problems[0].pointer, maxBytes: maxPayloadBytes, problems, largeItems: large },
  });
}

/**
 * Every item against the workflow's parameters (the schema is compiled once; sizes: checkListItemSizes).
 * The error names each bad item by index: `items[3]/user_id must be integer`.
 */
export function checkListItems(schema: JsonObject | null, items: readonly Json[], workflow: string): void {
  const validate = schema ? compileParametersSchema(schema) : null;
  const problems: Array<{ pointer: string; message: string }> = [];
  let bad = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === undefined) {
      problems.push({ pointer: `/items/${i}`, message: `items[${i}] is missing` });
      bad++;
      continue;
    }
    if (!validate || validate(item)) continue;
    bad++;
    for (const e of validate.errors ?? []) {
      if (problems.length >= maxReported) break;
      problems.push({ pointer: `/items/${i}${e.instancePath}`, message: `items[${i}]${e.instancePath || ''} ${e.message ?? 'is invalid'}` });
    }
  }
  if (bad === 0) return;
  const more = bad > 1 ? ` (${bad} items are invalid; the first ${problems.length} problems are listed)` : '';
  throw new EngineError('INPUT_INVALID', `The list for ${workflow} does not match its parameters${more}: ${problems.map((p) => p.message).join('; ')}`, {
    details: { problems, invalidItems: bad },
  });
}
