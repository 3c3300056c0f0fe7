/**
 * The one way in to the queue. Every start — the API and CLI, workflow:start, events, scheduled runs,
 * cron ticks, batch completions, table changes and flow admission — goes through startExecutions, in
 * the caller's transaction, with one rule set:
 *   1. validate: the workflow exists, the name's shape, the input's size and parameters;
 *   2. the chain: a start asked by an execution joins its chain, refused when its starter was stopped;
 *      its place in the chain's budget is taken in the caller's transaction (store/chains.ts);
 *   3. route: a transient workflow runs in memory once the transaction commits; a flow-controlled one
 *      is held in flow_waits and admitted by its limits; the others, and what admission lets through,
 *      are inserted and first-stepped together, one statement per kind of write however many;
 *   4. repeats: an idempotency key or name already taken (in its caller scope) answers the execution
 *      that holds it, or refuses (IDEMPOTENCY_KEY_REUSED, CONFLICT), and gives back its chain place.
 * A refusal (an EngineError) is answered for its request alone; any other error fails the batch.
 */
import type { StateMachine } from '../asl/index.ts';
import {
  deleteFlowWaits, findExecutionByKey, getCurrentVersionHead, getExecution, getFlowWait, insertEndedExecution, markFlowWaitStarted,
  type ExecutionRow, type FlowWaitRow, type NewExecution, type Queryable, type WorkflowVersionHead,
} from '../store/index.ts';
import { EngineError, isEngineError, isTraceparent, newExecutionId, type Json } from '../shared/index.ts';
import { checkStarter, returnChainPlace, takeChainPlace, type ChainPosition } from './chains.ts';
import type { ExecutionRuntime, ServiceDeps } from './deps.ts';
import { viewOf, type ExecutionView } from './executions.ts';
import { admittedExecution, hasFlowControl, holdUnderFlowControl } from './flow-control.ts';
import { heldStartView } from './held-starts.ts';
import { keyReused } from './idempotency.ts';
import { checkInput, checkInputSize } from './input-schema.ts';
import type { WorkflowMetadata } from './workflows.ts';

export interface StartRequest {
  workflow: string;
  input: Json;
  /** Unique per workflow; defaults to the execution id. A second start with the same name returns the first. */
  name?: string;
  idempotencyKey?: string;
  identity?: Json;
  /** The execution (or branch) that started this one; the new execution joins its chain's root. */
  parentId?: string;
  /** workflow:start.sync: the parent task's token, answered when this execution ends. */
  callbackToken?: string;
  /** Overrides the workflow's `mode` for this start. */
  mode?: 'persistent' | 'transient';
  /** Enqueue an `execution-ended` job when it ends (scheduled runs keep their batch counters with it). */
  notifyOnEnd?: boolean;
  /** The chain to join when the parent's row may be gone (a run a workflow scheduled long ago); the parent's wins. */
  chain?: ChainPosition;
  /** The caller's W3C traceparent: the execution's trace joins the caller's (a malformed one is ignored). */
  traceparent?: string;
  /** Set by flow admission only: a held start its limits now let through (checked and placed when it was held). */
  admitted?: FlowWaitRow;
}

export type StartedView = ExecutionView & { created: boolean };
/** Each request's answer: its execution, or why it was refused. */
export type StartOutcome = { view: StartedView } | { error: EngineError };

export interface StartedBatch {
  outcomes: StartOutcome[];
  /** Call once the caller's transaction has committed: wakes workers, runs transient executions. */
  afterCommit(): void;
}

export type StartRoute = 'plain' | 'flow' | 'transient' | 'admitted';

interface Prepared {
  index: number;
  request: StartRequest;
  execution: NewExecution;
  route: StartRoute;
  version: WorkflowVersionHead | null;
  chain: ChainPosition | null;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;

/** Starts the requests in the caller's transaction; answers one outcome per request, in order. */
export async function startExecutions(deps: ServiceDeps, tx: Queryable, requests: readonly StartRequest[]): Promise<StartedBatch> {
  const outcomes: Array<StartOutcome | undefined> = new Array(requests.length);
  const versions = new Map<string, Promise<WorkflowVersionHead | null>>();
  const prepared: Prepared[] = [];
  for (const [index, request] of requests.entries()) {
    const answer = await refused(() => prepare(deps, tx, versions, index, request));
    if ('refusal' in answer) outcomes[index] = { error: answer.refusal };
    else if ('executionId' in answer) outcomes[index] = { view: answer };
    else if (answer.chain && !(await placed(deps, tx, answer, outcomes))) continue;
    else prepared.push(answer);
  }
  const launches: Array<() => void> = [];
  const toInsert = prepared.filter((p) => p.route === 'plain' || p.route === 'admitted');
  for (const p of prepared) {
    if (p.route === 'transient') {
      outcomes[p.index] = { view: { ...runningView(p.execution), mode: 'transient', created: true } };
      launches.push(() => launchTransient(deps, p.execution, p.version!.definition as unknown as StateMachine));
    }
    if (p.route === 'flow') toInsert.push(...(await hold(deps, tx, p, outcomes)));
  }
  const started = await deps.runtime.startInTransaction(tx, toInsert.map((p) => p.execution));
  const created = new Map(started.created.map((row) => [row.id, row]));
  for (const p of toInsert) await settle(deps, tx, p, created.get(p.execution.id) ?? null, outcomes);
  for (const p of prepared) if (p.route === 'flow' && !outcomes[p.index]) outcomes[p.index] = { view: await heldView(tx, p, created) };
  return {
    outcomes: outcomes as StartOutcome[],
    afterCommit: () => {
      started.afterCommit();
      for (const launch of launches) launch();
    },
  };
}

/** A refusal becomes the request's outcome; any other error is the batch's. */
async function refused<T>(work: () => Promise<T>): Promise<T | { refusal: EngineError }> {
  try {
    return await work();
  } catch (e) {
    if (isEngineError(e)) return { refusal: e };
    throw e;
  }
}

/** Validates the request and finds its chain; a repeat found already answers its execution. */
async function prepare(
  deps: ServiceDeps, tx: Queryable, versions: Map<string, Promise<WorkflowVersionHead | null>>, index: number, request: StartRequest,
): Promise<Prepared | StartedView> {
  if (request.admitted) {
    const execution = admittedExecution(request.admitted, new Date(deps.clock.now()));
    return { index, request, execution, route: 'admitted', version: null, chain: null };
  }
  const transient = request.mode === 'transient';
  const versionKey = `${transient}:${request.workflow}`;
  if (!versions.has(versionKey)) versions.set(versionKey, getCurrentVersionHead(tx, request.workflow, transient));
  const version = await versions.get(versionKey)!;
  const route = checkStart(deps, request, version);
  // A repeat is found before anything is taken; a plain start without a chain finds it after its insert instead (no statement more).
  if (route !== 'plain' || request.parentId || request.chain) {
    const existing = await findExisting(tx, request);
    if (existing) return { ...viewOf(existing), created: false };
  }
  const parent = request.parentId ? await getExecution(tx, request.parentId) : null;
  if (parent) await checkStarter(tx, parent.id);
  const chain = parent ? { rootId: parent.rootId, depth: parent.depth + 1 } : (request.chain ?? null);
  return { index, request, execution: newExecution(deps, request, version!.id, parent, chain), route, version, chain };
}

/**
 * The checks every start passes against its workflow's current version (it exists and is deployed, the
 * name's shape, the input's size and parameters); answers the way it goes.
 */
export function checkStart(deps: ServiceDeps, request: StartRequest, version: WorkflowVersionHead | null): StartRoute {
  if (!version) throw new EngineError('WORKFLOW_NOT_FOUND', `No workflow is named ${JSON.stringify(request.workflow)}`);
  if (version.archivedAt) {
    throw new EngineError('WORKFLOW_ARCHIVED', `The workflow ${JSON.stringify(request.workflow)} was removed on ${version.archivedAt.toISOString()}: deploy it again to start it`);
  }
  if (request.name !== undefined && !namePattern.test(request.name)) {
    throw new EngineError('INPUT_INVALID', `The execution name ${JSON.stringify(request.name)} must be 1 to 80 letters, digits, '_', '.', ':' or '-'`);
  }
  checkInputSize(request.input);
  const metadata = version.metadata as unknown as WorkflowMetadata;
  checkInput(metadata.parameters, request.input, request.workflow);
  const route: StartRoute = (request.mode ?? metadata.mode) === 'transient' ? 'transient' : hasFlowControl(metadata.flow) ? 'flow' : 'plain';
  if (route === 'transient' && (!deps.transient || !deps.transientRuns)) throw new EngineError('UNAVAILABLE', 'This process runs no transient executions');
  return route;
}

/** Takes the start's place in its chain's budget; a full chain refuses it. */
async function placed(deps: ServiceDeps, tx: Queryable, p: Prepared, outcomes: Array<StartOutcome | undefined>): Promise<boolean> {
  const answer = await refused(() => takeChainPlace(tx, deps.limits, p.chain!));
  if (answer) outcomes[p.index] = { error: answer.refusal };
  return !answer;
}

/** Holds a flow-controlled start; answers what admission let through now (this start, maybe), to insert. */
async function hold(deps: ServiceDeps, tx: Queryable, p: Prepared, outcomes: Array<StartOutcome | undefined>): Promise<Prepared[]> {
  const version = p.version!;
  const metadata = version.metadata as unknown as WorkflowMetadata;
  const held = await refused(() => holdUnderFlowControl(deps, tx, p.execution, metadata.flow!));
  if ('refusal' in held) {
    outcomes[p.index] = { error: held.refusal };
    return [];
  }
  p.execution = { ...p.execution, id: held.executionId };
  if (!held.created) {
    if (p.chain) await returnChainPlace(tx, p.chain);
    outcomes[p.index] = { view: { ...(await heldView(tx, p, new Map())), created: false } };
  }
  const now = new Date(deps.clock.now());
  return held.admitted.map((row) => ({ index: -1, request: { workflow: row.workflowName, input: row.input, admitted: row }, execution: admittedExecution(row, now), route: 'admitted', version: null, chain: null }));
}

/** After the insert: a start whose key or name was taken answers the execution holding it (or is refused) and gives its place back. */
async function settle(deps: ServiceDeps, tx: Queryable, p: Prepared, row: ExecutionRow | null, outcomes: Array<StartOutcome | undefined>): Promise<void> {
  if (p.route === 'admitted') {
    // One whose name or idempotency key is taken is dropped; a crash may have started it already.
    if (row || (await getExecution(tx, p.execution.id))) await markFlowWaitStarted(tx, p.execution.id, new Date(deps.clock.now()));
    else await deleteFlowWaits(tx, [p.execution.id]);
    if (p.index >= 0) outcomes[p.index] = { view: { ...(row ? viewOf(row) : runningView(p.execution)), created: row !== null } };
    return;
  }
  if (row) {
    outcomes[p.index] = { view: { ...viewOf(row), created: true } };
    return;
  }
  if (p.chain) await returnChainPlace(tx, p.chain);
  const answer = await refused(async () => {
    const existing = await findExisting(tx, p.request);
    if (!existing) throw new EngineError('CONFLICT', 'The execution could not be created: its name or idempotency key is taken');
    return { view: { ...viewOf(existing), created: false } };
  });
  outcomes[p.index] = 'refusal' in answer ? { error: answer.refusal } : answer;
}

/** A flow-controlled start's view: its execution when admission started it, else the held start. */
async function heldView(tx: Queryable, p: Prepared, created: Map<string, ExecutionRow>): Promise<StartedView> {
  const id = p.execution.id;
  const row = created.get(id) ?? (await getExecution(tx, id));
  if (row) return { ...viewOf(row), created: true };
  const wait = await getFlowWait(tx, id);
  return { ...(wait ? heldStartView(wait) : runningView(p.execution)), created: true };
}

export function newExecution(deps: ServiceDeps, request: StartRequest, versionId: string, parent: ExecutionRow | null, chain: ChainPosition | null): NewExecution {
  const id = newExecutionId();
  return {
    id, workflowName: request.workflow, versionId, name: request.name ?? id, mode: 'persistent', input: request.input,
    parentId: parent?.id ?? null, rootId: chain?.rootId ?? id, identity: request.identity ?? null,
    idempotencyKey: request.idempotencyKey ?? null, callbackToken: request.callbackToken ?? null, startedAt: new Date(deps.clock.now()),
    depth: chain?.depth ?? 0, notifyOnEnd: request.notifyOnEnd ?? false,
    traceparent: isTraceparent(request.traceparent) ? request.traceparent : null,
  };
}

/**
 * Transient: the execution runs in this process's memory, no step is written, and one row records
 * it when it ends. A crash loses it, as transient mode promises.
 */
function launchTransient(deps: ServiceDeps, execution: NewExecution, definition: StateMachine): void {
  const { transient, transientRuns } = deps as Required<Pick<ServiceDeps, 'transient' | 'transientRuns'>> & ServiceDeps;
  const run = transient
    .run(definition, execution.input, { executionId: execution.id, name: execution.name, workflowName: execution.workflowName, identity: execution.identity })
    .then((result) =>
      insertEndedExecution(deps.sql, {
        ...execution, mode: 'transient', status: result.status, output: result.output ?? null, error: result.error ?? null,
        cause: result.cause ?? null, stoppedAt: new Date(deps.clock.now()),
      }),
    )
    .finally(() => transientRuns.delete(execution.id));
  transientRuns.set(execution.id, { view: { ...runningView(execution), mode: 'transient' }, done: run });
}

function runningView(e: NewExecution): ExecutionView {
  return {
    executionId: e.id, workflow: e.workflowName, versionId: e.versionId, name: e.name, status: 'RUNNING', mode: e.mode, input: e.input,
    output: null, error: null, cause: null, parentId: e.parentId, rootId: e.rootId, progress: null, redriveCount: 0,
    startedAt: e.startedAt.toISOString(), stoppedAt: null,
  };
}

/**
 * The execution a repeated start answers: by idempotency key, only one the same caller started with the
 * same input (another input is IDEMPOTENCY_KEY_REUSED); by name, only the same caller's (a name another
 * caller took is CONFLICT). Neither refusal tells anything of the execution that holds the key or name.
 */
export async function findExisting(tx: Queryable, request: StartRequest): Promise<ExecutionRow | null> {
  const asking = { identity: request.identity ?? null, input: request.input };
  if (request.idempotencyKey !== undefined) {
    const found = await findExecutionByKey(tx, request.workflow, { idempotencyKey: request.idempotencyKey }, asking);
    if (found && !found.sameInput) throw keyReused('start');
    return found;
  }
  if (request.name === undefined) return null;
  const found = await findExecutionByKey(tx, request.workflow, { name: request.name }, asking);
  if (found && !found.sameCaller) {
    throw new EngineError('CONFLICT', `The execution name ${JSON.stringify(request.name)} is taken: choose another name`);
  }
  return found;
}
