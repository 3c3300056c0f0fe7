/**
 * A validated definition, indexed: every nested state machine (Parallel branch, Map item processor) gets
 * an id — the JSON pointer to it — so that a child's snapshot can name the machine it runs.
 */
import type { QueryLanguage, State, StateMachine } from '../asl/index.ts';

export interface SubMachine {
  id: string;
  StartAt: string;
  States: Record<string, State>;
  /** The query language states inherit when they name none. */
  queryLanguage: QueryLanguage;
}

export interface Machine {
  definition: StateMachine;
  timeoutSeconds: number | null;
  machines: Map<string, SubMachine>;
}

const compiled = new WeakMap<StateMachine, Machine>();

function escape(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function compileMachine(definition: StateMachine): Machine {
  const cached = compiled.get(definition);
  if (cached) return cached;
  const machines = new Map<string, SubMachine>();
  index(definition, '', definition.QueryLanguage ?? 'JSONPath', machines);
  const machine = { definition, timeoutSeconds: definition.TimeoutSeconds ?? null, machines };
  compiled.set(definition, machine);
  return machine;
}

function index(sm: StateMachine, id: string, inherited: QueryLanguage, out: Map<string, SubMachine>): void {
  const queryLanguage = sm.QueryLanguage ?? inherited;
  out.set(id, { id, StartAt: sm.StartAt, States: sm.States, queryLanguage });
  for (const [name, state] of Object.entries(sm.States)) {
    const base = `${id}/States/${escape(name)}`;
    const language = state.QueryLanguage ?? queryLanguage;
    if (state.Type === 'Parallel') {
      state.Branches.forEach((branch, i) => index(branch, `${base}/Branches/${i}`, language, out));
    } else if (state.Type === 'Map') {
      if (state.ItemProcessor) index(state.ItemProcessor, `${base}/ItemProcessor`, language, out);
      else if (state.Iterator) index(state.Iterator, `${base}/Iterator`, language, out);
    }
  }
}


const childIds = new WeakMap<State, { parentId: string; stateName: string; ids: string[] }>();

/** The ids of the machines a Parallel or Map state runs, built once per state; callers must not change them. */
export function childMachineIds(parentId: string, stateName: string, state: State): string[] {
  const known = childIds.get(state);
  if (known && known.parentId === parentId && known.stateName === stateName) return known.ids;
  const base = `${parentId}/States/${escape(stateName)}`;
  let ids: string[] = [];
  if (state.Type === 'Parallel') ids = state.Branches.map((_, i) => `${base}/Branches/${i}`);
  else if (state.Type === 'Map') ids = [state.ItemProcessor ? `${base}/ItemProcessor` : `${base}/Iterator`];
  childIds.set(state, { parentId, stateName, ids });
  return ids;
}
