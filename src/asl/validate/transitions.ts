/**
 * The graph of one state machine (one nesting level): every Next, Default, choice rule Next and catcher
 * Next must name a state of the same machine, and every state must be reachable from StartAt.
 */
import { didYouMean, join, quote, report, type Context } from './context.ts';

interface Transition {
  target: string;
  pointer: string;
  /** How the message names the field: "Next", "Default", "Choices[0].Next", "Catch[1].Next". */
  field: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `Next` of each object in an array field (choice rules, catchers). */
function nextsIn(state: Record<string, unknown>, pointer: string, field: 'Choices' | 'Catch'): Transition[] {
  const items = state[field];
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: unknown, i) =>
    isRecord(item) && typeof item.Next === 'string'
      ? [{ target: item.Next, pointer: join(pointer, field, i, 'Next'), field: `${field}[${i}].Next` }]
      : [],
  );
}

/** Every transition a state declares, whatever its type; wrong-typed values were reported elsewhere. */
export function transitionsOf(state: unknown, pointer: string): Transition[] {
  if (!isRecord(state)) return [];
  const direct = (['Next', 'Default'] as const).flatMap((field) =>
    typeof state[field] === 'string' ? [{ target: state[field] as string, pointer: join(pointer, field), field }] : [],
  );
  return [...direct, ...nextsIn(state, pointer, 'Choices'), ...nextsIn(state, pointer, 'Catch')];
}

export function checkTransitions(
  ctx: Context,
  states: Record<string, unknown>,
  statesPointer: string,
  startAt: string | undefined,
): void {
  const names = new Set(Object.keys(states));
  const edges = new Map<string, string[]>();
  // A hint compares the target with every name: past a few, the hints would make validation quadratic.
  const hints = { left: maxHints };
  for (const name of names) {
    const transitions = transitionsOf(states[name], join(statesPointer, name));
    edges.set(name, transitions.map((t) => t.target));
    for (const transition of transitions) checkTarget(ctx, name, transition, names, hints);
  }
  if (startAt === undefined || !Object.hasOwn(states, startAt)) return;
  const reached = new Set<string>([startAt]);
  // An index into the queue rather than shift(), which moves every element: quadratic at 30 000 states.
  const queue = [startAt];
  for (let next = 0; next < queue.length; next++) {
    for (const target of edges.get(queue[next]) ?? []) {
      if (Object.hasOwn(states, target) && !reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  for (const name of [...names].filter((n) => !reached.has(n))) {
    report(
      ctx,
      'STATE_UNREACHABLE',
      join(statesPointer, name),
      `State ${quote(name)} can never run: no transition leads to it from StartAt ${quote(startAt)}.`,
    );
  }
}

const maxHints = 20;

function checkTarget(ctx: Context, from: string, transition: Transition, names: ReadonlySet<string>, hints: { left: number }): void {
  const { target, pointer, field } = transition;
  if (names.has(target)) return;
  if (ctx.allStateNames.has(target)) {
    report(
      ctx,
      'NEXT_TARGET_OUTSIDE_SCOPE',
      pointer,
      `State ${quote(from)}: ${field} names ${quote(target)}, which is in another state machine level; states inside a Parallel branch or a Map processor can only go to states of the same branch or processor, and outer states cannot go into them.`,
    );
    return;
  }
  report(
    ctx,
    'NEXT_TARGET_MISSING',
    pointer,
    `State ${quote(from)}: ${field} names ${quote(target)}, which does not exist.${hints.left-- > 0 ? didYouMean(target, names) : ''}`,
  );
}
