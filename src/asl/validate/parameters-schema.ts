/**
 * A workflow's `parameters` is a JSON Schema of its input. Loading the file only proves the schema is
 * usable: it must be valid against its meta-schema and compile. The draft follows `$schema` (2020-12 and
 * 2019-09 are recognised, anything else is read as draft-07, Ajv's default). Ajv's strict mode is on, so a
 * misspelt keyword such as "requird" is reported rather than silently ignored (OpenAPI's "example" is
 * accepted as an annotation); `format` is not enforced because no format plugin is installed.
 *
 * Patterns (`pattern`, the keys of `patternProperties`) run on callers' input, so they run on a
 * linear-time engine (shared/linear-regex.ts); a pattern it cannot run (backreference, lookaround) is a
 * problem at its own pointer.
 */
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Problem } from '../problems.ts';
import { join } from './context.ts';
import { pointerTokens } from '../source.ts';
import { linearRegExpEngine, unsupportedPattern } from '../../shared/index.ts';

/** Keywords whose values are data, not schemas: a `pattern` field in them is not a pattern. */
const dataKeywords = new Set(['enum', 'const', 'default', 'examples', 'example']);

/** Every `pattern` and `patternProperties` key that the linear-time engine cannot run, walked without recursion. */
function patternProblems(schema: unknown, pointer: string): Problem[] {
  const problems: Problem[] = [];
  const say = (pattern: string, at: string, reason: string) => problems.push({
    code: 'PATTERN_UNSUPPORTED',
    message: `The pattern ${JSON.stringify(pattern)} cannot run in linear time (${reason}); backreferences and lookaround are not supported, so that no input can stall the engine.`,
    pointer: at,
  });
  const stack: Array<{ node: unknown; at: string }> = [{ node: schema, at: pointer }];
  while (stack.length > 0) {
    const { node, at } = stack.pop() as { node: unknown; at: string };
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      if (!Array.isArray(node) && dataKeywords.has(key)) continue;
      const inner = join(at, key);
      if (!Array.isArray(node) && key === 'pattern' && typeof value === 'string') {
        const reason = unsupportedPattern(value, 'u');
        if (reason) say(value, inner, reason);
      } else if (!Array.isArray(node) && key === 'patternProperties' && typeof value === 'object' && value !== null) {
        for (const name of Object.keys(value)) {
          const reason = unsupportedPattern(name, 'u');
          if (reason) say(name, join(inner, name), reason);
        }
      }
      stack.push({ node: value, at: inner });
    }
  }
  return problems;
}

function createAjv(schema: Record<string, unknown>): Ajv {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  const options = { allErrors: true, logger: false as const, validateFormats: false, code: { regExp: linearRegExpEngine } };
  const ajv = declared.includes('2020-12') ? new Ajv2020(options) : declared.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  // OpenAPI's singular "example" is common in schemas copied from API docs; it is an annotation, not a typo.
  ajv.addKeyword('example');
  return ajv;
}

// Keyed by the schema's text: a version's metadata is read from the database afresh for each start, so
// the object differs every time while the schema does not (an Ajv compile costs ~1 ms).
const compiled = new Map<string, ValidateFunction>();

/**
 * The validator of a schema that passed checkParametersSchema, with the same Ajv set-up, so that a schema
 * that loads is read the same way when an input is checked at start. Compiled once per schema object.
 */
export function compileParametersSchema(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = createAjv(schema).compile(schema);
    if (compiled.size >= 500) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, validate);
  }
  return validate;
}

export function checkParametersSchema(schema: unknown, pointer: string): Problem[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return [{ code: 'FIELD_TYPE', message: 'parameters must be a JSON Schema object (or null for no schema).', pointer }];
  }
  const patterns = patternProblems(schema, pointer);
  if (patterns.length > 0) return patterns;
  const ajv = createAjv(schema as Record<string, unknown>);
  try {
    if (!ajv.validateSchema(schema)) return metaSchemaProblems(ajv.errors ?? [], pointer);
    ajv.compile(schema);
    return [];
  } catch (error) {
    return [{ code: 'PARAMETERS_SCHEMA_INVALID', message: `parameters is not a usable JSON Schema: ${(error as Error).message}.`, pointer }];
  }
}

/** One problem per place in the schema: Ajv adds "must match a schema in anyOf" echoes of the first error. */
function metaSchemaProblems(errors: ErrorObject[], pointer: string): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of errors) {
    if (seen.has(error.instancePath)) continue;
    seen.add(error.instancePath);
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    const values = allowed ? ` (${allowed.map((v) => JSON.stringify(v)).join(', ')})` : '';
    const where = error.instancePath === '' ? 'the schema' : error.instancePath;
    problems.push({
      code: 'PARAMETERS_SCHEMA_INVALID',
      message: `parameters is not a valid JSON Schema: ${where} ${error.message ?? 'is invalid'}${values}.`,
      pointer: join(pointer, ...pointerTokens(error.instancePath)),
    });
  }
  return problems;
}
