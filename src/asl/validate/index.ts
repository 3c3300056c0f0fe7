/**
 * Static validation of an ASL definition: every rule of the States Language that can be checked without
 * running it, every problem at once, each with a stable code and a JSON pointer to the offending field.
 */
import type { Problem } from '../problems.ts';
import type { QueryLanguage } from '../types.ts';
import type { Context } from './context.ts';
import { collectStateNames, validateMachine } from './state-machine.ts';

export interface ValidateOptions {
  /** Prefix of every pointer, e.g. "/definition" when the definition sits inside a workflow file. */
  pointer?: string;
  /** Tells whether a Task's Resource (suffixes `.sync`, `.sync:2`, `.waitForTaskToken` removed) exists. */
  isKnownResource?: (name: string) => boolean;
}

export function validateStateMachine(definition: unknown, options: ValidateOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const ctx: Context = {
    problems,
    isKnownResource: options.isKnownResource,
    topLanguage: topLanguageOf(definition),
    statePointers: new Map(),
    allStateNames: collectStateNames(definition),
    variableScopes: [],
    nested: (value, pointer, kind, label) => validateMachine(ctx, value, pointer, kind, label),
  };
  validateMachine(ctx, definition, options.pointer ?? '', 'root', 'The state machine');
  return problems;
}

function topLanguageOf(definition: unknown): QueryLanguage {
  const declared = (definition as { QueryLanguage?: unknown } | null)?.QueryLanguage;
  return declared === 'JSONata' ? 'JSONata' : 'JSONPath';
}

export { resourceBaseName } from './states.ts';
