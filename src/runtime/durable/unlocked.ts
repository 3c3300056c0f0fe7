/**
 * A group of step results written without holding row locks while stepping (optimistic): take the
 * rows as their jobs' claim read them (or read them), step them in memory, and write every step in one
 * statement that saves a row only if it is still the version read and this worker still holds every
 * job that carried its events (`saveUnlockedSteps`). One round trip per group besides the claim
 * instead of four (begin, lock, write, commit), and no transaction held open while Node steps. What this path does not take goes to the locking path
 * (`deliverBatch`) unchanged: a row changed meanwhile or whose job was taken over, a row that is not
 * RUNNING or is gone, and steps that write rows of their own (branches, task tokens, sql:query) or
 * call jobs off. Either way a step is recorded once: by the statement that deletes its job.
 */
import { readRowsForStep, saveUnlockedSteps, type ExecutionRow, type UnlockedStep, type VersionedRow } from '../../store/index.ts';
import { committed, deliverBatch, prepareStep, type CommitContext, type Delivery, type DeliveryOutcome, type PreparedStep } from './commit.ts';
import { NeedsTransaction } from './effects.ts';
import { EagerLeases, queuedDueNow } from './eager.ts';

/**
 * A child's end steps its parent's join, which starts the next children or collects their results
 * (rows of their own): such steps go to the locking path without being stepped here first.
 */
const joins = new Set(['childSucceeded', 'childrenSucceeded', 'childFailed']);
const isJoin = (delivery: Delivery): boolean => delivery.items.some((i) => joins.has(i.event.type));

interface Attempt {
  index: number;
  prepared: PreparedStep;
  step: UnlockedStep;
  /** The row as read, which the step changes. */
  row: ExecutionRow;
}

/** Steps many executions (distinct) as `deliverBatch` does, unlocked where it can; answers an outcome per delivery, in order. */
export async function deliverUnlocked(ctx: CommitContext, deliveries: readonly Delivery[]): Promise<DeliveryOutcome[]> {
  const attempts = await prepareUnlocked(ctx, deliveries);
  const nowMs = ctx.clock.now();
  const leases = new EagerLeases(ctx.eager, nowMs);
  for (const a of attempts) a.step = { ...a.step, jobs: leases.mark(a.step.jobs) };
  const { saved, leased } = await leases.write(() => saveUnlockedSteps(ctx.sql, ctx.workerId, attempts.map((a) => a.step)));
  leases.commit(leased, writtenRows(attempts, saved));
  const outcomes: Array<DeliveryOutcome | undefined> = new Array(deliveries.length);
  const done = attempts.filter((a) => saved.has(a.step.write.id));
  for (const { index, prepared } of done) outcomes[index] = { status: prepared.status, ignored: false, delivered: deliveries[index].items.length };
  committed(ctx, done.map((a) => a.prepared), done.some((a) => queuedDueNow(a.step.jobs, nowMs)));
  const rest = deliveries.flatMap((delivery, index) => (outcomes[index] ? [] : [{ delivery, index }]));
  if (rest.length > 0) {
    const locked = await deliverBatch(ctx, rest.map((r) => r.delivery));
    rest.forEach((r, i) => (outcomes[r.index] = locked[i]));
  }
  return outcomes as DeliveryOutcome[];
}

/** Reads the rows its jobs' claim did not bring (no lock) and steps those this path can write; the others are left out. */
async function prepareUnlocked(ctx: CommitContext, deliveries: readonly Delivery[]): Promise<Attempt[]> {
  const unread = deliveries.filter((d) => d.seen === undefined && !isJoin(d)).map((d) => d.executionId);
  const read = unread.length === 0 ? new Map() : await readRowsForStep(ctx.sql, unread);
  const attempts: Attempt[] = [];
  for (const [index, delivery] of deliveries.entries()) {
    const seen = delivery.seen === undefined ? read.get(delivery.executionId) : delivery.seen;
    if (!seen || seen.row.status !== 'RUNNING' || isJoin(delivery)) continue;
    let prepared: PreparedStep;
    try {
      prepared = await prepareStep(ctx, null, seen.row, delivery.items.map((i) => i.event));
    } catch (e) {
      if (e instanceof NeedsTransaction) continue;
      throw e;
    }
    // Called-off jobs must be deleted before new ones take their keys: the locking path does that.
    if (prepared.cancelKeys.length > 0) continue;
    const jobIds = delivery.items.flatMap((i) => (i.jobId === undefined ? [] : [i.jobId]));
    attempts.push({ index, prepared, row: seen.row, step: { write: prepared.write, version: seen.version, jobIds, jobs: prepared.jobs } });
  }
  return attempts;
}

/** The rows the statement wrote, as written, with their new versions. */
function writtenRows(attempts: readonly Attempt[], saved: ReadonlyMap<string, string>): Map<string, VersionedRow> {
  const rows = new Map<string, VersionedRow>();
  for (const a of attempts) {
    const version = saved.get(a.step.write.id);
    if (version !== undefined) rows.set(a.row.id, { row: { ...a.row, ...a.step.write.update }, version });
  }
  return rows;
}
