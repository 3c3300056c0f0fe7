/**
 * Which child machines can run inline: inside their parent's step, from start to end, instead of as
 * threads the runtime starts, steps and joins. A machine qualifies when it can never wait — only Pass,
 * Choice, Succeed and Fail states, and Parallel or Map states without Retry (a retry waits for a timer)
 * whose own children qualify — and cannot loop (its transitions form no cycle), so one step of it ends it.
 * Decided once per machine.
 */
import type { State } from '../asl/index.ts';
import { maxTransitionsPerStep } from './limits.ts';
import { childMachineIds, type Machine, type SubMachine } from './machine.ts';

const verdicts = new WeakMap<SubMachine, boolean>();

export function runsInline(machine: Machine, machineIds: string[]): boolean {
  for (const id of machineIds) if (!machineRunsInline(machine, id)) return false;
  return true;
}

function machineRunsInline(machine: Machine, id: string): boolean {
  const sub = machine.machines.get(id);
  if (!sub) return false;
  let verdict = verdicts.get(sub);
  if (verdict === undefined) {
    const names = Object.keys(sub.States);
    // Fewer states than one step's transition budget: an acyclic walk through them never has to yield.
    verdict = names.length < maxTransitionsPerStep && names.every((name) => stateRunsInline(machine, sub, name)) && !hasCycle(sub);
    verdicts.set(sub, verdict);
  }
  return verdict;
}

const neverWaits = new Set(['Pass', 'Choice', 'Succeed', 'Fail']);

function stateRunsInline(machine: Machine, sub: SubMachine, name: string): boolean {
  const state = sub.States[name];
  if (neverWaits.has(state.Type)) return true;
  if (state.Type !== 'Parallel' && state.Type !== 'Map') return false;
  if (state.Retry && state.Retry.length > 0) return false;
  return runsInline(machine, childMachineIds(sub.id, name, state));
}

/** The states a state may go to next. */
function successors(state: State): string[] {
  const next: string[] = [];
  if ('Next' in state && state.Next) next.push(state.Next);
  if (state.Type === 'Choice') {
    for (const rule of state.Choices) if (rule.Next) next.push(rule.Next);
    if (state.Default) next.push(state.Default);
  }
  if ('Catch' in state && state.Catch) for (const catcher of state.Catch) next.push(catcher.Next);
  return next;
}

/** Depth-first search for a state reachable from itself. */
function hasCycle(sub: SubMachine): boolean {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string): boolean => {
    if (done.has(name)) return false;
    if (visiting.has(name)) return true;
    visiting.add(name);
    const state = sub.States[name];
    const cyclic = state !== undefined && successors(state).some(visit);
    visiting.delete(name);
    done.add(name);
    return cyclic;
  };
  return visit(sub.StartAt);
}
