/**
 * Versioned JSON documents in Postgres (snapshots, job payloads, history events): each is written with
 * its format version in a top-level `format` field and read back through a decoder that checks the
 * shape of that version and upgrades it, step by step, to the current one. A document without the field
 * is version 1 (what releases before versioning wrote). An unknown version or a shape its version does
 * not allow is refused with STORED_FORMAT_UNKNOWN, never cast: a worker of an older release leaves a
 * newer row alone (its job is retried later) instead of misreading it.
 */
import { z } from 'zod';
import { EngineError } from './errors.ts';
import type { Json, JsonObject } from './json.ts';

/** The field that holds a document's format version. */
export const formatField = 'format';

/** One version of a format: the shape it allows and, for every version but the current, the upgrade to the next. */
export interface FormatVersion {
  schema: z.ZodType;
  /** From this version's decoded value to the next version's (absent on the current version). */
  upgrade?: (value: never) => unknown;
}

export interface StoredFormat<T> {
  readonly name: string;
  /** The version `encode` writes: the last of the list. */
  readonly current: number;
  /** The value as stored: with `format` set to the current version. */
  encode(value: T): Json;
  /** Checks and upgrades a stored document; `where` names it in the error (e.g. "the snapshot of execution …"). */
  decode(stored: unknown, where: string): T;
}

/**
 * A format whose versions are `versions[0]` (version 1), `versions[1]` (version 2), …; the last one is
 * current and its schema's type is `T`. A version is never edited once released: a change of shape is a
 * new version with an upgrade from the previous one.
 */
export function storedFormat<T extends object>(name: string, versions: readonly FormatVersion[]): StoredFormat<T> {
  const current = versions.length;
  return {
    name,
    current,
    encode: (value) => ({ [formatField]: current, ...value }) as unknown as Json,
    decode(stored, where) {
      const version = versionOf(stored);
      const format = versions[version - 1];
      if (!Number.isInteger(version) || !format) {
        throw new EngineError('STORED_FORMAT_UNKNOWN', `${where} has ${name} format ${JSON.stringify(version)}; this release reads formats 1 to ${current}`, {
          details: { format: name, version, readable: current },
        });
      }
      const body = isObject(stored) ? withoutFormat(stored) : stored;
      const parsed = format.schema.safeParse(body);
      if (!parsed.success) {
        const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length > 0 ? `/${i.path.join('/')}` : '(top)'}: ${i.message}`);
        throw new EngineError('STORED_FORMAT_UNKNOWN', `${where} is not a ${name} of format ${version}: ${problems.join('; ')}`, {
          details: { format: name, version, problems },
        });
      }
      let value: unknown = parsed.data;
      for (let v = version; v < current; v++) value = (versions[v - 1].upgrade as (old: unknown) => unknown)(value);
      return value as T;
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function versionOf(stored: unknown): number {
  const version = isObject(stored) ? stored[formatField] : undefined;
  return version === undefined ? 1 : (version as number);
}

function withoutFormat(stored: Record<string, unknown>): Record<string, unknown> {
  if (!(formatField in stored)) return stored;
  const { [formatField]: _version, ...body } = stored;
  return body;
}

/** Any JSON value, not looked into: what Postgres hands back from a jsonb column is JSON by construction. */
export const jsonValue = z.custom<Json>((value) => value !== undefined, 'a JSON value is required');

/** A JSON object, its members not looked into. */
export const jsonObjectValue = z.custom<JsonObject>(isObject, 'a JSON object is required');
