/**
 * JSON text parsed without losing digits: a number a double holds with every digit (42, 12.50,
 * 0.1, 1e+100) becomes a number; one it cannot (9007199254740993, 12345678901234567890.5) stays a
 * string with its digits as written. This is how sql:query hands Postgres's bigint and numeric
 * values to a workflow (docs/sql.md).
 */
import type { Json } from './json.ts';

/** Whether a JSON number token and the double it parses to have the same decimal value. */
export function isExactNumber(token: string): boolean {
  const value = Number(token);
  return Number.isFinite(value) && decimalKey(token) === decimalKey(String(value));
}

/** A canonical form of a decimal: sign, significant digits without leading or trailing zeros, exponent. */
function decimalKey(text: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = whole + fraction;
  let power = Number(exponent) - fraction.length;
  const lead = digits.search(/[1-9]/);
  if (lead === -1) return '0';
  digits = digits.slice(lead);
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  power += trailing;
  return `${sign}${digits}e${power}`;
}

/** JSON.parse, with the numbers that are not exact as doubles quoted first (strings are skipped over). */
export function parseJsonExact(text: string): Json {
  let out = '';
  let last = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = endOfString(text, i);
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const start = i;
      while (i < text.length && /[-+.\deE]/.test(text[i])) i++;
      const token = text.slice(start, i);
      if (!isExactNumber(token)) {
        out += `${text.slice(last, start)}"${token}"`;
        last = i;
      }
      continue;
    }
    i++;
  }
  return JSON.parse(last === 0 ? text : out + text.slice(last)) as Json;
}

function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}
