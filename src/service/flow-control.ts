/**
 * Flow control of starts (a workflow file's `flow:` block), applied to every trigger because they all
 * go through startExecutions (start.ts). A start of a flow-controlled workflow is written to flow_waits
 * first; admission — under the workflow's advisory lock, so processes take turns — then decides which
 * waiting starts may run: a start that may run at once starts in the same transaction, the others wait
 * with a reason that `describeExecution` shows (status RUNNING, `waitingReason`, `waitingSince`).
 *
 * Admission runs again when a slot may have freed or a time has come:
 * - an admitted execution is started with notifyOnEnd, and its `execution-ended` job enqueues a
 *   `flow-admit` job for the workflow (wakeFlowAdmission);
 * - a debounce window ending or a rate-limit window opening enqueues a `flow-admit` job at that time.
 */
import type { FlowControl } from '../asl/index.ts';
import { parsePath } from '../asl/index.ts';
import {
  flowAdmitFormat,
  admitFlowWaits,
  deleteSettledFlowWaits,
  enqueueJobs,
  findDebouncedWait,
  findFlowWaitByKey,
  getFlowWait,
  hasFlowWaits,
  insertFlowWait,
  jobs,
  listFlowWaits,
  lockFlow,
  notifyJobsAvailable,
  replaceDebouncedWait,
  setFlowWaitReasons,
  type FlowKeys,
  type FlowWaitRow,
  type NewExecution,
  type Queryable,
} from '../store/index.ts';
import { isJsonObject, type Json } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import type { ExecutionView } from './executions.ts';
import { heldStartView, storedStartFormat, storedStartOf } from './held-starts.ts';
import { keyReused } from './idempotency.ts';

/** Whether starts of a workflow with this `flow:` block can wait (priority alone never makes one wait). */
export function hasFlowControl(flow: FlowControl | null | undefined): flow is FlowControl {
  return !!flow && !!(flow.concurrency || flow.rateLimit || flow.debounce || flow.singleton);
}

/** The key a Reference Path selects from the input; the whole workflow is one key without a path. */
function keyOf(path: string | undefined, input: Json): string {
  if (path === undefined) return '*';
  let value: Json | undefined = input;
  for (const segment of parsePath(path).segments) {
    if (segment.kind === 'member' && isJsonObject(value)) value = value[segment.name];
    else if (segment.kind === 'index' && Array.isArray(value)) value = value[segment.index];
    else value = undefined;
  }
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function keysOf(flow: FlowControl, input: Json): FlowKeys {
  return {
    ...(flow.concurrency ? { concurrency: keyOf(flow.concurrency.key, input) } : {}),
    ...(flow.rateLimit ? { rateLimit: keyOf(flow.rateLimit.key, input) } : {}),
    ...(flow.debounce ? { debounce: keyOf(flow.debounce.key, input) } : {}),
    ...(flow.singleton ? { singleton: keyOf(flow.singleton.key, input) } : {}),
  };
}

const forKey = (key: string | undefined) => (key === undefined || key === '*' ? '' : ` for key ${key}`);

/**
 * In the caller's transaction: writes the start to flow_waits and admits what may run (this start
 * included, when it may). Answers the start's execution id (the new one, or for a debounced start
 * the one it joined) and the admitted rows for the caller to start (service/start.ts).
 */
export async function holdUnderFlowControl(
  deps: Pick<ServiceDeps, 'clock'>, tx: Queryable, execution: NewExecution, flow: FlowControl,
): Promise<{ executionId: string; created: boolean; admitted: FlowWaitRow[] }> {
  if (execution.idempotencyKey !== null) {
    const earlier = await findFlowWaitByKey(tx, execution.workflowName, execution.idempotencyKey, execution);
    if (earlier && !earlier.sameInput) throw keyReused('start');
    if (earlier) return { executionId: earlier.id, created: false, admitted: [] };
  }
  const now = new Date(deps.clock.now());
  const keys = keysOf(flow, execution.input);
  const start = storedStartFormat.encode({
    name: execution.name, identity: execution.identity, parentId: execution.parentId, rootId: execution.rootId, depth: execution.depth ?? 0,
    idempotencyKey: execution.idempotencyKey, callbackToken: execution.callbackToken ?? null,
  });
  const dueAt = new Date(now.getTime() + (flow.debounce ? flow.debounce.seconds * 1000 : 0));
  const reason = flow.debounce ? `debounced until ${dueAt.toISOString()}${forKey(keys.debounce)}` : null;
  await lockFlow(tx, execution.workflowName);
  const joined = keys.debounce === undefined ? null : await findDebouncedWait(tx, execution.workflowName, keys.debounce);
  if (joined) {
    await replaceDebouncedWait(tx, joined.id, { input: execution.input, start, dueAt, reason: reason!, traceparent: execution.traceparent ?? null });
  } else {
    const inserted = await insertFlowWait(tx, {
      id: execution.id, workflowName: execution.workflowName, versionId: execution.versionId, flowKeys: keys, input: execution.input,
      start, idempotencyKey: execution.idempotencyKey, priority: flow.priority ?? 0, reason, dueAt, createdAt: now,
      traceparent: execution.traceparent ?? null,
    });
    if (!inserted) {
      // Its idempotency key was taken between the check and the insert.
      const raced = await findFlowWaitByKey(tx, execution.workflowName, execution.idempotencyKey ?? '', execution);
      return { executionId: raced?.id ?? execution.id, created: false, admitted: [] };
    }
  }
  return { executionId: joined?.id ?? execution.id, created: !joined, admitted: await admit(tx, execution.workflowName, flow, now) };
}

/** Under the workflow's flow lock, in the caller's transaction: the waiting starts its limits now let through. */
export async function admitUnderLock(tx: Queryable, workflowName: string, flow: FlowControl, now: Date): Promise<FlowWaitRow[]> {
  await lockFlow(tx, workflowName);
  return admit(tx, workflowName, flow, now);
}

/** After an execution of `workflowName` ended: admission runs soon when anything waits. */
export async function wakeFlowAdmission(deps: Pick<ServiceDeps, 'sql' | 'clock'>, workflowName: string): Promise<void> {
  if (!(await hasFlowWaits(deps.sql, workflowName))) return;
  await enqueueJobs(deps.sql, [jobs.flowAdmit(workflowName, new Date(deps.clock.now()), false)]);
  await notifyJobsAvailable(deps.sql);
}

/** Counts per key of what holds a slot or a rate-limit place now. */
class Usage {
  readonly running = new Map<string, number>();
  readonly singletons = new Map<string, string>();
  readonly rateTimes = new Map<string, number[]>();

  add(row: FlowWaitRow, admittedAt: number, running: boolean): void {
    const { concurrency, singleton, rateLimit } = row.flowKeys;
    if (running && concurrency !== undefined) this.running.set(concurrency, (this.running.get(concurrency) ?? 0) + 1);
    if (running && singleton !== undefined && !this.singletons.has(singleton)) this.singletons.set(singleton, row.id);
    if (rateLimit !== undefined) this.rateTimes.set(rateLimit, [...(this.rateTimes.get(rateLimit) ?? []), admittedAt]);
  }
}

/** Why the row cannot be admitted now (and when to look again), or null when it can. */
function blocked(flow: FlowControl, row: FlowWaitRow, usage: Usage, now: number): { reason: string; retryAt?: number } | null {
  const { concurrency, singleton, rateLimit } = row.flowKeys;
  const holder = singleton === undefined ? undefined : usage.singletons.get(singleton);
  if (flow.singleton && holder !== undefined) return { reason: `singleton running: ${holder}${forKey(singleton)}` };
  if (flow.concurrency && (usage.running.get(concurrency!) ?? 0) >= flow.concurrency.limit) {
    return { reason: `concurrency limit ${flow.concurrency.limit} reached${forKey(concurrency)}` };
  }
  if (flow.rateLimit) {
    const periodMs = flow.rateLimit.periodSeconds * 1000;
    const recent = (usage.rateTimes.get(rateLimit!) ?? []).filter((t) => t > now - periodMs).sort((a, b) => a - b);
    if (recent.length >= flow.rateLimit.limit) {
      const retryAt = recent[recent.length - flow.rateLimit.limit] + periodMs;
      return { reason: `rate limit ${flow.rateLimit.limit}/${flow.rateLimit.periodSeconds}s reached${forKey(rateLimit)}; next at ${new Date(retryAt).toISOString()}`, retryAt };
    }
  }
  return null;
}

/**
 * Under the workflow's lock: forgets what no longer counts, admits waiting starts in priority then
 * arrival order while the limits allow, records why the others wait, and schedules the next look.
 * Answers the admitted rows not started yet (including those a crash left unstarted).
 */
async function admit(tx: Queryable, workflowName: string, flow: FlowControl, now: Date): Promise<FlowWaitRow[]> {
  const t = now.getTime();
  await deleteSettledFlowWaits(tx, workflowName, new Date(t - (flow.rateLimit ? flow.rateLimit.periodSeconds * 1000 : 0)));
  const rows = await listFlowWaits(tx, workflowName);
  const usage = new Usage();
  for (const row of rows) if (row.admittedAt) usage.add(row, row.admittedAt.getTime(), row.running);
  const toStart = rows.filter((r) => r.admittedAt && !r.startedAt);
  const admittedIds: string[] = [];
  const reasons: Array<{ id: string; reason: string }> = [];
  let nextLook = Infinity;
  for (const row of rows) {
    if (row.admittedAt) continue;
    if (row.dueAt.getTime() > t) {
      nextLook = Math.min(nextLook, row.dueAt.getTime());
      continue;
    }
    const why = blocked(flow, row, usage, t);
    if (why) {
      reasons.push({ id: row.id, reason: why.reason });
      if (why.retryAt !== undefined) nextLook = Math.min(nextLook, why.retryAt);
      continue;
    }
    admittedIds.push(row.id);
    toStart.push(row);
    usage.add(row, t, true);
  }
  await admitFlowWaits(tx, admittedIds, now);
  await setFlowWaitReasons(tx, reasons);
  if (nextLook !== Infinity) {
    await enqueueJobs(tx, [jobs.flowAdmit(workflowName, new Date(nextLook), true)]);
  }
  return toStart;
}

/** The execution of an admitted start, as it was held (its id, version, chain and key). */
export function admittedExecution(row: FlowWaitRow, now: Date): NewExecution {
  const start = storedStartOf(row);
  return {
    id: row.id, workflowName: row.workflowName, versionId: row.versionId, name: start.name, mode: 'persistent', input: row.input,
    parentId: start.parentId, rootId: start.rootId, identity: start.identity, idempotencyKey: start.idempotencyKey,
    callbackToken: start.callbackToken, depth: start.depth, startedAt: now, traceparent: row.traceparent,
    // Its end must wake admission: the slot it held is free.
    notifyOnEnd: true,
  };
}

/** A start that waits for admission, as an execution view: RUNNING, with why and since when. */
export async function waitingStartView(deps: Pick<ServiceDeps, 'sql'>, id: string): Promise<ExecutionView | null> {
  const row = await getFlowWait(deps.sql, id);
  return row && !row.startedAt ? heldStartView(row) : null;
}
