/**
 * One call of step(): the snapshot being advanced (a private copy), and what the call records and asks
 * for. Also builds the scopes that paths, templates and JSONata evaluate in.
 */
import type { QueryLanguage, State } from '../asl/index.ts';
import type { Json, JsonObject } from '../shared/index.ts';
import type { JsonataScope } from './jsonata.ts';
import type { Machine, SubMachine } from './machine.ts';
import { maxTransitionsPerStep } from './limits.ts';
import type { Command, HistoryEvent, Snapshot, StepEnv, StepResult } from './model.ts';
import type { IntrinsicRuntime } from './intrinsics/index.ts';
import type { PathRoots } from './paths.ts';
import type { TemplateScope } from './template.ts';
import { isoTime } from './timestamp.ts';

/** Extra members of the context object a single evaluation may see: `Task.Token`, `Map.Item`. */
export type ContextExtra = { Task?: { Token: string }; Map?: { Item: { Index: number; Value: Json } } };

/**
 * What a path or a payload template evaluates in: the roots (`$`, `$$`, variables) and the intrinsics'
 * randomness and hashing. One object per evaluation; the context object is built only if a path asks
 * for all of `$$`, and `$$.Map...` or `$$.Task...` read their member directly.
 */
class Scope implements TemplateScope {
  private built: JsonObject | undefined;

  constructor(
    private readonly turn: Turn,
    readonly input: Json,
    private readonly extra: ContextExtra | undefined,
    readonly intrinsics: IntrinsicRuntime,
  ) {}

  get context(): JsonObject {
    this.built ??= this.turn.contextObject(this.extra);
    return this.built;
  }

  contextMember(name: string): Json | undefined {
    const { extra } = this;
    if (extra?.Map && name === 'Map') return extra.Map as unknown as JsonObject;
    if (extra?.Task && name === 'Task') return extra.Task;
    const base = this.turn.baseContext();
    return Object.prototype.hasOwnProperty.call(base, name) ? base[name] : undefined;
  }

  variable(name: string): Json | undefined {
    return this.turn.variable(name);
  }
}

export class Turn {
  readonly events: HistoryEvent[] = [];
  readonly commands: Command[] = [];
  readonly sub: SubMachine;
  /**
   * Whether history events are kept. Hot call sites test it before building an event's details, so a
   * transient run allocates none.
   */
  readonly history: boolean;
  /** The transition count at which this step stops and asks to be continued. */
  readonly budget: number;

  constructor(
    readonly machine: Machine,
    readonly snap: Snapshot,
    readonly env: StepEnv,
  ) {
    const sub = machine.machines.get(snap.machineId);
    if (!sub) throw new Error(`no state machine at ${JSON.stringify(snap.machineId)}`);
    this.sub = sub;
    this.history = env.recordHistory !== false;
    this.budget = snap.transitions + maxTransitionsPerStep;
  }

  result(): StepResult {
    return { snapshot: this.snap, events: this.events, commands: this.commands };
  }

  /** Appends a history event; `undefined` members (an absent cause) are left out. */
  record(type: string, stateName: string | null, details: { [key: string]: Json | undefined }): void {
    if (!this.history) return;
    for (const key in details) {
      if (details[key] === undefined) {
        const clean: JsonObject = {};
        for (const k in details) if (details[k] !== undefined) clean[k] = details[k] as Json;
        this.events.push({ type, stateName, details: clean, at: this.env.now });
        return;
      }
    }
    this.events.push({ type, stateName, details: details as JsonObject, at: this.env.now });
  }

  command(command: Command): void {
    this.commands.push(command);
  }

  nextId(prefix: string): string {
    this.snap.seq += 1;
    return `${prefix}${this.snap.seq}`;
  }

  state(name: string): State {
    const state = this.sub.States[name];
    if (!state) throw new Error(`no state ${JSON.stringify(name)} in machine ${JSON.stringify(this.sub.id)}`);
    return state;
  }

  language(state: State): QueryLanguage {
    return state.QueryLanguage ?? this.sub.queryLanguage;
  }

  /** The whole context object (`$$`) as the current state sees it. */
  contextObject(extra?: ContextExtra): JsonObject {
    const base = this.baseContext();
    if (!extra) return base;
    const context: JsonObject = { ...base };
    if (extra.Task) context.Task = extra.Task;
    if (extra.Map) context.Map = extra.Map as unknown as JsonObject;
    return context;
  }

  private base: { stateName: string | null; attempt: number; enteredAt: number; value: JsonObject } | null = null;

  /**
   * Execution, StateMachine and State: built once per state attempt, shared by every evaluation of it.
   * (RedriveCount cannot change within a turn: a redrive starts a turn of its own.)
   */
  baseContext(): JsonObject {
    const { snap, base } = this;
    if (base && base.stateName === snap.stateName && base.attempt === snap.attempt && base.enteredAt === snap.enteredAt) return base.value;
    const { Execution, StateMachine } = this.env.context;
    const value: JsonObject = {
      Execution: { ...(Execution as unknown as JsonObject), RedriveCount: snap.redriveCount },
      StateMachine: StateMachine as unknown as JsonObject,
      State: { Name: snap.stateName, EnteredTime: isoTime(snap.enteredAt), RetryCount: snap.attempt },
    };
    this.base = { stateName: snap.stateName, attempt: snap.attempt, enteredAt: snap.enteredAt, value };
    return value;
  }

  variable(name: string): Json | undefined {
    const { vars, outerVars } = this.snap;
    if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
    if (Object.prototype.hasOwnProperty.call(outerVars, name)) return outerVars[name];
    return undefined;
  }

  private runtime: IntrinsicRuntime | null = null;

  roots(input: Json, extra?: ContextExtra): PathRoots {
    return this.templateScope(input, extra);
  }

  templateScope(input: Json, extra?: ContextExtra): Scope {
    this.runtime ??= { random: this.env.random, hash: this.env.hash };
    return new Scope(this, input, extra, this.runtime);
  }

  jsonataScope(states: { input: Json; result?: Json; errorOutput?: Json }, extra?: ContextExtra): JsonataScope {
    const all: JsonObject = { ...states, context: this.contextObject(extra) };
    return {
      states: all,
      variables: { ...this.snap.outerVars, ...this.snap.vars },
      now: this.env.now,
      random: this.env.random,
      hash: this.env.hash,
    };
  }

  /** Every variable visible here: what a Parallel branch or Map iteration may read. */
  visibleVariables(): JsonObject {
    return { ...this.snap.outerVars, ...this.snap.vars };
  }
}
