/** How times, durations, ids and JSON are written across the dashboard. */

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const timeParts = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } as const;
const sameYearFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', ...timeParts });
const otherYearFormat = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', ...timeParts });

/** `in 5 minutes`, `3 hours ago`. */
export function relativeTime(iso: string, now = Date.now()): string {
  const delta = new Date(iso).getTime() - now;
  for (const [unit, ms] of units) {
    if (Math.abs(delta) >= ms || unit === 'second') return relativeFormat.format(Math.round(delta / ms), unit);
  }
  return iso;
}

/** `Nov 21, 08:20:19`, with the year when it is not this one; local time. */
export function absoluteTime(iso: string): string {
  const date = new Date(iso);
  return (date.getFullYear() === new Date().getFullYear() ? sameYearFormat : otherYearFormat).format(date);
}

/** `1.2 s`, `3 min 4 s`, `2 h 5 min`. */
export function duration(fromIso: string, toIso: string | null, now = Date.now()): string {
  const ms = (toIso ? new Date(toIso).getTime() : now) - new Date(fromIso).getTime();
  if (ms < 1000) return `${Math.max(0, ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60_000) / 1000)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-([0-9a-f]{12})$/i;

/**
 * The part of an id that tells it from its neighbours. Execution and branch ids are UUIDv7: their
 * first 12 hex digits are the creation time in milliseconds (the first 8 change once a minute), so
 * a prefix reads the same for every row made together. The last 12 digits are random: that tail,
 * after an ellipsis. Other ids are shown whole.
 */
export function shortId(id: string): string {
  const tail = uuidPattern.exec(id)?.[1];
  return tail ? `…${tail}` : id;
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

/** One line of JSON, cut at `max` characters. */
export function jsonPreview(value: unknown, max = 80): string {
  const text = JSON.stringify(value) ?? '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/** An ISO time as a datetime-local input shows it, in the browser's time zone: `2030-01-31T09:00`. */
export function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${twoDigits(d.getMonth() + 1)}-${twoDigits(d.getDate())}T${twoDigits(d.getHours())}:${twoDigits(d.getMinutes())}`;
}

/** What a datetime-local input holds, as the RFC 3339 time the API takes. */
export function fromLocalInput(local: string): string {
  return local ? new Date(local).toISOString() : '';
}
