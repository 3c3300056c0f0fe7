/** RFC 3339 timestamps as ASL uses them (upper-case T and Z, optional fraction, offset or Z). */
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds, or null when the text is not a valid RFC 3339 timestamp. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = rfc3339.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 60) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
