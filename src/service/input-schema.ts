/** A workflow's `parameters` JSON Schema, checked before any start, with every bad field named. */
import { compileParametersSchema } from '../asl/index.ts';
import { EngineError, type Json, type JsonObject } from '../shared/index.ts';

export function checkInput(schema: JsonObject | null, input: Json, workflow: string): void {
  if (!schema) return;
  const validate = compileParametersSchema(schema);
  if (validate(input)) return;
  const problems = (validate.errors ?? []).map((e) => ({
    pointer: e.instancePath,
    message: `${e.instancePath || 'the input'} ${e.message ?? 'is invalid'}`,
  }));
  throw new EngineError('INPUT_INVALID', `The input of ${workflow} does not match its parameters: ${problems.map((p) => p.message).join('; ')}`, {
    details: { problems },
  });
}
