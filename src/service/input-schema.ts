/** A workflow's `parameters` JSON Schema, checked before any start, with every bad field named. */
import { Ajv, type ValidateFunction } from 'ajv';
import { EngineError, type Json, type JsonObject } from '../shared/index.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<JsonObject, ValidateFunction>();

export function checkInput(schema: JsonObject | null, input: Json, workflow: string): void {
  if (!schema) return;
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(input)) return;
  const problems = (validate.errors ?? []).map((e) => ({
    pointer: e.instancePath,
    message: `${e.instancePath || 'the input'} ${e.message ?? 'is invalid'}`,
  }));
  throw new EngineError('INPUT_INVALID', `The input of ${workflow} does not match its parameters: ${problems.map((p) => p.message).join('; ')}`, {
    details: { problems },
  });
}
