/**
 * Variable scopes: the top-level states share one scope, and each Parallel branch and Map processor opens
 * a scope of its own that can read the outer ones. A state in an inner scope may not assign a variable
 * that an enclosing scope assigns (Step Functions guide, "Passing data between states with variables").
 */
import { join, quote, report, type Context } from './context.ts';

interface Assignment {
  name: string;
  state: string;
  pointer: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assignmentsIn(assign: unknown, state: string, pointer: string): Assignment[] {
  if (!isRecord(assign)) return [];
  return Object.keys(assign).map((key) => ({
    name: key.endsWith('.$') ? key.slice(0, -2) : key,
    state,
    pointer: join(pointer, key),
  }));
}

/** Every variable the states of one machine level assign: in the state, its choice rules and its catchers. */
export function assignedVariables(states: Record<string, unknown>, statesPointer: string): Assignment[] {
  return Object.entries(states).flatMap(([name, state]) => {
    if (!isRecord(state)) return [];
    const pointer = join(statesPointer, name);
    const nested = (['Choices', 'Catch'] as const).flatMap((field) => {
      const items = state[field];
      if (!Array.isArray(items)) return [];
      return items.flatMap((item: unknown, i) =>
        isRecord(item) ? assignmentsIn(item.Assign, name, join(pointer, field, i, 'Assign')) : [],
      );
    });
    return [...assignmentsIn(state.Assign, name, join(pointer, 'Assign')), ...nested];
  });
}

/** Reports the assignments of an inner level that an enclosing level already makes. */
export function checkVariableScopes(ctx: Context, assignments: Assignment[]): void {
  for (const { name, state, pointer } of assignments) {
    if (!ctx.variableScopes.some((outer) => outer.has(name))) continue;
    report(
      ctx,
      'VARIABLE_SCOPE_CONFLICT',
      pointer,
      `State ${quote(state)}: Assign sets ${quote(name)}, which an enclosing level of the state machine already assigns; inside a Parallel branch or a Map processor, use another name.`,
    );
  }
}
