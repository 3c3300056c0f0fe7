/**
 * How big a definition may be, checked before it is parsed (bytes) and before it is validated (states), so
 * that a huge file is refused at once instead of holding the process (docs/limits.md, "Definition size").
 */
import { defaultLimits } from '../shared/index.ts';
import type { Problem } from './problems.ts';

/** The defaults: limits.maxDefinitionBytes and limits.maxDefinitionStates. */
export const definitionLimits = { maxBytes: defaultLimits.maxDefinitionBytes, maxStates: defaultLimits.maxDefinitionStates } as const;

export interface DefinitionLimits {
  /** Bytes of a workflow file (UTF-8). */
  maxBytes?: number;
  /** States of a definition, every nesting level counted. */
  maxStates?: number;
}

const utf8 = new TextEncoder();

export function fileSizeProblem(text: string, limits: DefinitionLimits): Problem | undefined {
  const max = limits.maxBytes ?? definitionLimits.maxBytes;
  // Three bytes per UTF-16 unit at most: most files are decided without encoding them.
  if (text.length * 3 <= max) return undefined;
  const bytes = utf8.encode(text).length;
  if (bytes <= max) return undefined;
  return {
    code: 'DEFINITION_TOO_LARGE',
    message: `The file is ${bytes} bytes, more than the ${max} a workflow file may have (limits.maxDefinitionBytes).`,
    pointer: '',
    line: 1,
    column: 1,
  };
}

/** Counts the states of every nesting level without recursion, stopping once past the limit. */
export function stateCountProblem(definition: unknown, pointer: string, limits: DefinitionLimits): Problem | undefined {
  const max = limits.maxStates ?? definitionLimits.maxStates;
  let count = 0;
  const machines: unknown[] = [definition];
  while (machines.length > 0 && count <= max) {
    const states = (machines.pop() as { States?: unknown } | null)?.States;
    if (typeof states !== 'object' || states === null || Array.isArray(states)) continue;
    for (const state of Object.values(states)) {
      count++;
      if (typeof state !== 'object' || state === null) continue;
      const { Branches, ItemProcessor, Iterator } = state as Record<string, unknown>;
      if (Array.isArray(Branches)) machines.push(...Branches);
      machines.push(ItemProcessor, Iterator);
    }
  }
  if (count <= max) return undefined;
  return {
    code: 'DEFINITION_TOO_LARGE',
    message: `The definition has more than ${max} states (every nesting level counted), the most a workflow may have (limits.maxDefinitionStates).`,
    pointer: `${pointer}/States`,
  };
}
