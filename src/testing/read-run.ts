/** What a test reads of a finished in-memory run: the path, each state visit, the calls, the history. */
import type { Json, JsonObject } from '../shared/index.ts';

export interface HistoryEntry {
  type: string;
  stateName: string | null;
  details: JsonObject;
  /** RFC 3339, on the run's (virtual) clock. */
  at: string;
  /** '' for the execution itself; a Parallel branch or Map iteration has its own tag (e.g. `0.1`). */
  thread: string;
}

export interface StateVisit {
  name: string;
  thread: string;
  input: Json;
  /** Absent when the state did not leave normally (it failed, or the run ended in it). */
  output?: Json;
  enteredAt: string;
  exitedAt?: string;
}

export interface ResourceCall {
  resource: string;
  stateName: string;
  attempt: number;
  input: Json;
}

export interface WorkflowRun {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: Json;
  error?: string;
  cause?: string;
  /** The states the execution itself entered, in order (branches and iterations are in `visits`). */
  path: string[];
  /** Every state entered, in every thread, in order, with its input and output. */
  visits: StateVisit[];
  /** Every call of a mocked resource, in order, retries included. */
  calls: ResourceCall[];
  history: HistoryEntry[];
  /** The first visit of a state of the execution itself; throws when it was never entered. */
  state(name: string): StateVisit;
}

interface RawResult {
  status: WorkflowRun['status'];
  output?: Json;
  error?: string;
  cause?: string;
  history?: Array<{ type: string; stateName: string | null; details: JsonObject; at: number; thread: string }>;
}

export function readRun(result: RawResult, calls: ResourceCall[]): WorkflowRun {
  const history: HistoryEntry[] = (result.history ?? []).map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
  const visits: StateVisit[] = [];
  const open = new Map<string, StateVisit>();
  for (const event of history) {
    if (!event.stateName) continue;
    const key = `${event.thread}\u0000${event.stateName}`;
    if (event.type.endsWith('StateEntered')) {
      const visit: StateVisit = { name: event.stateName, thread: event.thread, input: event.details.input ?? null, enteredAt: event.at };
      visits.push(visit);
      open.set(key, visit);
    } else if (event.type.endsWith('StateExited')) {
      const visit = open.get(key);
      if (visit) Object.assign(visit, { output: event.details.output ?? null, exitedAt: event.at });
      open.delete(key);
    }
  }
  const own = visits.filter((v) => v.thread === '');
  const run: WorkflowRun = {
    status: result.status,
    ...(result.status === 'SUCCEEDED' ? { output: result.output ?? null } : { error: result.error, cause: result.cause }),
    path: own.map((v) => v.name),
    visits,
    calls,
    history,
    state(name) {
      const visit = own.find((v) => v.name === name);
      if (!visit) throw new Error(`The execution never entered the state ${JSON.stringify(name)}; its path was ${own.map((v) => v.name).join(' → ') || '(empty)'}`);
      return visit;
    },
  };
  return run;
}
