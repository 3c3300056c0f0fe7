/** A workflow's `parameters` JSON Schema, checked before any start, with every bad field named. */
import { compileParametersSchema } from '../asl/index.ts';
import { maxPayloadBytes } from '../core/index.ts';
import { EngineError, exceedsJsonDepth, jsonByteSize, maxJsonDepth, type Json, type JsonObject } from '../shared/index.ts';

/** The 256 KiB limit and the nesting limit on an execution's input, checked before anything is stored or run. */
export function checkInputSize(input: Json): void {
  checkInputDepth(input, 'The input');
  if (jsonByteSize(input) > maxPayloadBytes) {
    throw new EngineError('PAYLOAD_TOO_LARGE', `The input is larger than ${maxPayloadBytes} bytes (256 KiB)`);
  }
}

/** JSON nested deeper than maxJsonDepth, from whichever caller: refused before any recursive walk of it. */
export function checkInputDepth(value: unknown, what: string): void {
  if (exceedsJsonDepth(value)) {
    throw new EngineError('INPUT_TOO_DEEP', `${what} nests arrays and objects deeper than ${maxJsonDepth} levels`, { details: { maxDepth: maxJsonDepth } });
  }
}

export function checkInput(schema: JsonObject | null, input: Json, workflow: string): void {
  if (!schema) return;
  let validate: ReturnType<typeof compileParametersSchema>;
  try {
    validate = compileParametersSchema(schema);
  } catch (error) {
    // A version stored before patterns ran on the linear-time engine may hold one it cannot run.
    throw new EngineError('DEFINITION_INVALID', `The parameters schema of ${workflow} cannot be used: ${(error as Error).message}; deploy it again with a supported pattern`);
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
