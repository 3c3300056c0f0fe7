/**
 * Eager dispatch: a Task call that a step or a start of this process creates, due now, for a resource
 * this process's worker serves, is leased at birth to that worker when it has a free slot (written with
 * its lease by the statement that writes the step) and run as soon as that statement returns. It skips
 * the NOTIFY, the claim's round trip and the claim's second version of the job row. A call that finds no
 * free slot is queued for any worker's claim as before.
 *
 * The lease is the same as a claim's: if the process dies, the lease runs out and another worker takes
 * the job over; a write that fails or is not committed gives its slots back. Priority orders the queue:
 * a worker runs what its own steps create at once when it has room, before queued jobs (as Temporal's
 * eager activity dispatch does), which finishes started executions first.
 */
import { jobKinds, type ClaimedJob, type LeasedJobIds, type NewJob, type VersionedRow } from '../../store/index.ts';

/** What a worker offers eager dispatch: its slots and its lease. */
export interface EagerSlots {
  readonly workerId: string;
  readonly leaseMs: number;
  /** Takes a free slot for a call of `resource` about to be leased at birth; false when none is free, the resource is not served, or the worker stops. */
  reserve(resource: string): boolean;
  /** Gives back `n` reserved slots (their jobs were not inserted). */
  unreserve(n: number): void;
  /** Runs a job leased at birth in the slot reserved for it. */
  run(job: ClaimedJob): void;
}

/**
 * The jobs of one write that this worker takes at birth: `mark` them before the write, run the write
 * through `write` (a failure gives the slots back), then `commit` with what it inserted.
 */
export class EagerLeases {
  private readonly taken: NewJob[] = [];
  private done = false;

  constructor(
    private readonly slots: EagerSlots | undefined,
    private readonly nowMs: number,
  ) {}

  /** The jobs to write: those this worker takes at once carry its lease (the others are unchanged). */
  mark(jobs: readonly NewJob[]): readonly NewJob[] {
    const { slots } = this;
    if (!slots || this.done || !jobs.some((j) => this.eligible(j))) return jobs;
    const expiresAt = new Date(this.nowMs + slots.leaseMs);
    return jobs.map((job) => {
      if (!this.eligible(job) || !slots.reserve(job.resource as string)) return job;
      const leased = { ...job, lease: { owner: slots.workerId, expiresAt } };
      this.taken.push(leased);
      return leased;
    });
  }

  /** Runs the write that carries the marked jobs; if it fails (or rolls back), every slot is given back. */
  async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      this.cancel();
      throw e;
    }
  }

  /**
   * Once the write committed: runs the taken jobs it `inserted` (a dedupe key already taken inserted none)
   * and frees the other slots. `rows`: the rows the write left, with their versions; the first job of each
   * carries its row, as a claim's would, so the step that records its result needs no read.
   */
  commit(inserted: LeasedJobIds, rows: ReadonlyMap<string, VersionedRow> = new Map()): void {
    if (this.done || !this.slots) return;
    this.done = true;
    let unused = 0;
    const carried = new Set<string>();
    const started = new Set<number>();
    for (const job of this.taken) {
      const id = inserted.get(job.dedupeKey as string);
      // Two jobs of one write with one key insert one row: it runs once.
      if (id === undefined || started.has(id)) {
        unused += 1;
        continue;
      }
      started.add(id);
      const row = job.executionId && !carried.has(job.executionId) ? rows.get(job.executionId) : undefined;
      if (row) carried.add(row.row.id);
      this.slots.run(claimedAtBirth(job, id, row));
    }
    if (unused > 0) this.slots.unreserve(unused);
  }

  /** The write failed or rolled back: every slot is given back (`write` calls it). */
  cancel(): void {
    if (this.done || !this.slots) return;
    this.done = true;
    if (this.taken.length > 0) this.slots.unreserve(this.taken.length);
  }

  /** Invoke jobs due now with a resource and a dedupe key (by which the write answers their ids). */
  private eligible(job: NewJob): boolean {
    return job.kind === jobKinds.invoke && !job.lease && typeof job.resource === 'string' && typeof job.dedupeKey === 'string' && job.runAt.getTime() <= this.nowMs;
  }
}

/** Whether a job due now was queued rather than leased at birth: only then are other workers woken. */
export function queuedDueNow(jobs: readonly NewJob[], nowMs: number): boolean {
  return jobs.some((j) => !j.lease && j.runAt.getTime() <= nowMs);
}

/** The job as a claim would have answered it: first attempt, with its row as written when known (else the step that records its result reads it). */
function claimedAtBirth(job: NewJob, id: number, execution: VersionedRow | undefined): ClaimedJob {
  const lease = job.lease as { expiresAt: Date };
  return {
    id,
    kind: job.kind,
    executionId: job.executionId ?? null,
    payload: job.payload ?? {},
    runAt: job.runAt,
    priority: job.priority ?? 0,
    attempts: 1,
    leaseExpiresAt: lease.expiresAt,
    dedupeKey: job.dedupeKey ?? null,
    ...(execution ? { execution } : {}),
  };
}
