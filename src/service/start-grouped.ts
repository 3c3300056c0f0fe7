/**
 * One start at a time from a caller (the API, the CLI, the library): starts made at the same time by one
 * runtime go together (PERFORMANCE.md lesson 1). A group of plain starts (no chain, no flow control, not
 * transient) whose first steps write nothing but their own rows is one statement and no transaction
 * block: one round trip and one commit, with the versions taken from memory (current-versions.ts) and
 * checked by the insert. Any other group is `startExecutions` in a transaction, as every other caller.
 */
import { EngineError, Grouped, isEngineError, silentLogger } from '../shared/index.ts';
import { cachedCurrentVersion, forgetCurrentVersion } from './current-versions.ts';
import type { ExecutionRuntime, ServiceDeps } from './deps.ts';
import { viewOf } from './executions.ts';
import { checkStart, findExisting, newExecution, startExecutions, type StartOutcome, type StartRequest, type StartedView } from './start.ts';
import type { NewExecution, WorkflowVersionHead } from '../store/index.ts';

type Item = { deps: ServiceDeps; request: StartRequest };

const groups = new WeakMap<ExecutionRuntime, Grouped<Item, StartOutcome>>();

function groupOf(deps: ServiceDeps): Grouped<Item, StartOutcome> {
  let group = groups.get(deps.runtime);
  if (!group) {
    // Items of one runtime share its database; the first one's deps speak for the group.
    const writeAll = (items: Item[]) => startGroup(items[0].deps, items.map((i) => i.request));
    group = new Grouped({ maxBatch: 64, writeAll, writeOne: async (item) => (await writeAll([item]))[0], logger: silentLogger, what: 'starts' });
    groups.set(deps.runtime, group);
  }
  return group;
}

/** Starts one execution, grouped with the starts made at the same time. */
export async function startExecution(deps: ServiceDeps, request: StartRequest): Promise<StartedView> {
  const outcome = await groupOf(deps).add({ deps, request });
  if ('error' in outcome) throw outcome.error;
  return outcome.view;
}

/** One statement when the whole group may go at once; the others (a stale version, a first step that writes more) in a transaction. */
async function startGroup(deps: ServiceDeps, requests: readonly StartRequest[]): Promise<StartOutcome[]> {
  const atOnce = await startAtOnce(deps, requests);
  const outcomes: Array<StartOutcome | null> = atOnce ?? requests.map(() => null);
  const again = requests.flatMap((request, i) => (outcomes[i] === null ? [{ request, i }] : []));
  if (again.length === 0) return outcomes as StartOutcome[];
  const batch = await deps.sql.begin((tx) => startExecutions(deps, tx, again.map((a) => a.request)));
  batch.afterCommit();
  again.forEach((a, j) => (outcomes[a.i] = batch.outcomes[j]));
  return outcomes as StartOutcome[];
}

const atOnceFields = ['parentId', 'chain', 'admitted', 'callbackToken', 'mode'] as const;

/**
 * Starts the group with one statement: null when a request or a first step needs a transaction; else
 * each request's outcome, or null for one whose cached version was no longer current (to start again).
 */
async function startAtOnce(deps: ServiceDeps, requests: readonly StartRequest[]): Promise<Array<StartOutcome | null> | null> {
  if (requests.some((r) => atOnceFields.some((field) => r[field] !== undefined))) return null;
  const outcomes: Array<StartOutcome | null> = requests.map(() => null);
  const versions = new Map<string, Promise<WorkflowVersionHead | null>>();
  const executions: Array<{ i: number; execution: NewExecution }> = [];
  for (const [i, request] of requests.entries()) {
    if (!versions.has(request.workflow)) versions.set(request.workflow, cachedCurrentVersion(deps, request.workflow));
    const version = await versions.get(request.workflow)!;
    try {
      if (checkStart(deps, request, version) !== 'plain') return null;
    } catch (error) {
      if (!isEngineError(error)) throw error;
      outcomes[i] = { error };
      continue;
    }
    executions.push({ i, execution: newExecution(deps, request, version!.id, null, null) });
  }
  const started = await deps.runtime.startAtOnce(executions.map((e) => e.execution));
  if (!started) return null;
  started.afterCommit();
  const created = new Map(started.created.map((row) => [row.id, row]));
  for (const { i, execution } of executions) {
    const row = created.get(execution.id);
    if (row) outcomes[i] = { view: { ...viewOf(row), created: true } };
    else if (started.stale.has(execution.id)) forgetCurrentVersion(deps.sql, execution.workflowName);
    else outcomes[i] = await repeated(deps, requests[i]);
  }
  return outcomes;
}

/** A start not inserted though its version was current: its idempotency key or name is taken. */
async function repeated(deps: ServiceDeps, request: StartRequest): Promise<StartOutcome> {
  try {
    const existing = await findExisting(deps.sql, request);
    if (existing) return { view: { ...viewOf(existing), created: false } };
    return { error: new EngineError('CONFLICT', 'The execution could not be created: its name or idempotency key is taken') };
  } catch (error) {
    if (isEngineError(error)) return { error };
    throw error;
  }
}
