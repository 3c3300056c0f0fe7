/** A workflow's `parameters` JSON Schema, checked before any start, with every bad field named. */
import { compileParametersSchema } from '../asl/index.ts';
import { maxPayloadBytes } from '../core/index.ts';
import { EngineError, exceedsJsonDepth, jsonByteSize, maxJsonDepth, type Json, type JsonObject } from '../shared/index.ts';

/**
 * The 256 KiB payload limit on a value a caller hands over for later (an input, a scheduled run's or
 * list item's input, an event payload, a task's answer), checked before anything is stored: the
 * refusal names the value by its JSON pointer in the request (`/input`, `/items/3`, `/output`).
 */
export function checkPayloadSize(value: Json, pointer: string, what: string): void {
  // Depth first: measuring the size serializes the value, recursively.
  checkInputDepth(value, what, pointer);
  const bytes = jsonByteSize(value);
  if (bytes <= maxPayloadBytes) return;
  throw new EngineError('PAYLOAD_TOO_LARGE', `${what} is ${bytes} bytes, more than the ${maxPayloadBytes} bytes (256 KiB) a payload may hold`, {
    details: { pointer, bytes, maxBytes: maxPayloadBytes, problems: [{ pointer, message: `${what} is larger than ${maxPayloadBytes} bytes` }] },
  });
}

/** The 256 KiB limit on an execution's input (the whole request body of a start). */
export function checkInputSize(input: Json, pointer = ''): void {
  checkPayloadSize(input, pointer, 'The input');
}

/** JSON nested deeper than maxJsonDepth, from whichever caller: refused before any recursive walk of it. */
export function checkInputDepth(value: unknown, what: string, pointer = ''): void {
  if (exceedsJsonDepth(value)) {
    throw new EngineError('INPUT_TOO_DEEP', `${what} nests arrays and objects deeper than ${maxJsonDepth} levels`, { details: { pointer, maxDepth: maxJsonDepth } });
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
