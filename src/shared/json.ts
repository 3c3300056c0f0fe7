/** A JSON value as it travels through definitions, inputs, outputs and snapshots. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const utf8 = new TextEncoder();

/** The byte size of a value once serialized, as the payload limits count it. */
export function jsonByteSize(value: Json | undefined): number {
  if (value === undefined) return 0;
  return utf8.encode(JSON.stringify(value)).length;
}
