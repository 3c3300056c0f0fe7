/**
 * A worker: claims due jobs in batches under a lease, runs up to `concurrency` at once, and sleeps
 * exactly until the next due job when idle (one `nextDueAt` query), woken early by NOTIFY or by a
 * commit in this process. Polling, not NOTIFY, is what guarantees progress.
 *
 * `concurrency` counts what runs: a Task's resource call holds a slot until it answers, not until its
 * result is committed. Answered calls wait for their group commit without a slot (at most
 * `maxInFlightFor(concurrency)` jobs are held in all), so the default 32 slots keep claiming while
 * earlier results are written.
 */
import { stepJobFormat } from '../../core/index.ts';
import type { ResourceRegistry } from '../../resources/index.ts';
import { claimDueJobs, enqueueJobs, decodePayload, jobKinds, jobs as jobBuilders, listenForJobs, nextDueAt, notifyJobsAvailable, releaseJobs, type ClaimedJob, type JobHandler, type Sql } from '../../store/index.ts';
import type { Logger } from '../../shared/index.ts';
import { LeaseLost, type CommitContext } from './commit.ts';
import { GroupCommit } from './group-commit.ts';
import { runInvokeJob, type InvokeContext } from './invoke.ts';
import type { Serving } from './serving.ts';
import type { EagerSlots } from './eager.ts';

export interface WorkerOptions {
  /** What steps need (the pool, caches, this worker's id as lease owner); its onJobsDue wakes workers. */
  commit: CommitContext & { registry: ResourceRegistry };
  logger: Logger;
  /** Jobs running at once in this worker (a Task's call counts until it answers). */
  concurrency: number;
  leaseMs: number;
  /** Longest idle sleep: the poll that guarantees progress when a NOTIFY is missed. */
  pollMs: number;
  /**
   * Handlers of other job kinds (triggers: scheduled runs, cron ticks, table changes). A handler
   * must finish the job itself (completeJobs) — in the same transaction as its effects.
   */
  jobHandlers?: Readonly<Record<string, JobHandler>>;
  /** The resources this worker serves (it claims no other invoke job) and its row that says so. */
  serving: Serving;
}

export class Worker {
  private running = false;
  /** Claimed work not finished yet: running, or answered and waiting for its commit. */
  private inFlight = new Set<Promise<void>>();
  /** Slots in use: work that has not answered yet (at most `concurrency`). Freeing one wakes the loop. */
  private busy = 0;
  /** Slots promised to jobs being leased at birth (eager.ts). */
  private reserved = 0;
  /**
   * Whether due jobs may be waiting for this worker: set by a NOTIFY, a commit that queued jobs due now,
   * a claim that took all it asked for or found some, and the end of an idle sleep. A freed slot alone
   * does not make the worker claim: with nothing queued that claim finds nothing.
   */
  private mayClaim = true;
  /** Sleeping because every slot is taken: a freed slot ends that sleep. */
  private sleepingForRoom = false;
  private readonly maxInFlight: number;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private loopDone: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  /** Executions being stepped by this worker, with the step jobs that arrived for them meanwhile. */
  private readonly chains = new Map<string, ClaimedJob[]>();
  /** Jobs this worker is running now (their leases), for a graceful stop. */
  private readonly held = new Set<number>();
  private readonly ctx: InvokeContext;
  private readonly commits: GroupCommit;

  constructor(private readonly options: WorkerOptions) {
    const { commit } = options;
    this.maxInFlight = maxInFlightFor(options.concurrency);
    this.commits = new GroupCommit(commit, { maxBatch: groupSizeFor(this.maxInFlight), logger: options.logger });
    this.ctx = {
      ...commit,
      leaseMs: options.leaseMs,
      logger: options.logger,
      deliver: (executionId, items, seen) => this.commits.deliver(executionId, items, seen),
      enqueueEvent: async (executionId, event) => {
        await enqueueJobs(commit.sql, [jobBuilders.step(stepJobFormat, executionId, event, new Date(commit.clock.now()))]);
        this.wake();
      },
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.options.serving.start();
    const listener = await listenForJobs(this.options.commit.sql, () => this.wake());
    this.unlisten = listener.unlisten;
    this.loopDone = this.loop();
  }

  /**
   * Stops claiming; waits for in-flight jobs up to `graceMs`, then hands back the leases of what is
   * still running so another worker takes it at once (its results, if they come, are refused).
   * Answers whether everything finished in time (false: jobs were handed back, or the loop was stuck).
   */
  async stop(graceMs = 10_000): Promise<{ clean: boolean }> {
    if (!this.running) return { clean: true };
    this.running = false;
    this.wake();
    // The grace period bounds the whole stop: a claim stuck on a dead connection must not hold it.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((r) => (timer = setTimeout(() => r(false), graceMs)));
    const loopEnded = await Promise.race([this.loopDone!.then(() => true), deadline]);
    const drained = await Promise.race([Promise.allSettled([...this.inFlight]).then(() => true), deadline]);
    clearTimeout(timer);
    const clean = loopEnded && drained && this.held.size === 0;
    if (this.held.size > 0) {
      const ids = [...this.held];
      this.options.logger.warn({ jobs: ids.length }, 'released jobs still running at shutdown');
      await releaseJobs(this.options.commit.sql, this.options.commit.workerId, ids).catch(() => {});
    }
    await this.unlisten?.().catch(() => {});
    await this.options.serving.stop();
    return { clean };
  }

  /** Jobs the next claim may take: free slots, and room in what this worker holds, less what is promised at birth. */
  private room(): number {
    return Math.min(this.options.concurrency - this.busy - this.reserved, this.maxInFlight - this.inFlight.size - this.reserved);
  }

  /**
   * Jobs leased at birth while a claim was under way took slots the claim counted on: the claim's last
   * jobs are handed back at once rather than run past `concurrency` (rare: a claim under way finds few
   * jobs when eager dispatch finds free slots).
   */
  private keepRoomFor(jobs: ClaimedJob[]): ClaimedJob[] {
    const excess = jobs.length - Math.max(0, this.room());
    if (excess <= 0) return jobs;
    const { commit } = this.options;
    void releaseJobs(commit.sql, commit.workerId, jobs.slice(-excess).map((j) => j.id)).catch(() => {});
    return jobs.slice(0, jobs.length - excess);
  }

  /** This worker's slots as eager dispatch takes them (eager.ts). */
  eagerSlots(): EagerSlots {
    const { options } = this;
    return {
      workerId: options.commit.workerId,
      leaseMs: options.leaseMs,
      reserve: (resource) => {
        if (!this.running || this.room() <= 0 || !options.serving.serves(resource)) return false;
        this.reserved += 1;
        return true;
      },
      unreserve: (n) => {
        this.reserved -= n;
        this.slotFreed();
      },
      run: (job) => {
        this.reserved -= 1;
        // Stopping: hand the job back at once, as stop() does with the jobs still running.
        if (!this.running) void releaseJobs(options.commit.sql, options.commit.workerId, [job.id]).catch(() => {});
        else this.dispatch([job]);
      },
    };
  }

  slots(): { busy: number; total: number } {
    return { busy: this.busy, total: this.options.concurrency };
  }

  /** Due jobs may be waiting (a NOTIFY, a commit that queued jobs due now, a stop): look now. */
  wake(): void {
    this.woken = true;
    this.mayClaim = true;
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  /** A slot was freed: ends a sleep for room, not an idle one (nothing says a job waits). */
  private slotFreed(): void {
    if (!this.sleepingForRoom) return;
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private async loop(): Promise<void> {
    const { options } = this;
    while (this.running) {
      const room = this.room();
      if (room <= 0) {
        // Ended by a freed slot or finished work (a NOTIFY only makes it look again).
        this.woken = false;
        this.sleepingForRoom = true;
        await this.sleep(options.pollMs);
        this.sleepingForRoom = false;
        continue;
      }
      if (!this.mayClaim) {
        await this.sleep(await this.idleDelay());
        this.mayClaim = true;
        continue;
      }
      this.mayClaim = false;
      this.woken = false;
      let jobs: ClaimedJob[] = [];
      try {
        jobs = await claimDueJobs(options.commit.sql, { workerId: options.commit.workerId, now: new Date(options.commit.clock.now()), limit: room, leaseMs: options.leaseMs, served: options.serving.current() });
      } catch (e) {
        options.logger.warn({ error: String(e) }, 'claiming jobs failed; retrying');
        this.mayClaim = true;
        await this.sleep(Math.min(1000, options.pollMs));
        continue;
      }
      jobs = this.keepRoomFor(jobs);
      for (const batch of batches(jobs, options.jobHandlers)) this.dispatch(batch);
      // More may wait behind a claim that found some; an empty one leaves the next look to a signal or the idle sleep.
      if (jobs.length > 0) this.mayClaim = true;
    }
  }

  /**
   * Step jobs of an execution that this worker is already stepping wait for that transaction and go
   * in the next one: two transactions of one worker never queue on the same row lock (a Map's
   * branches all end on their parent), and the waiting events are delivered together.
   */
  private dispatch(batch: ClaimedJob[]): void {
    const executionId = batch[0].kind === jobKinds.step ? batch[0].executionId : null;
    if (executionId === null) {
      this.track((release) => this.run(batch, release));
      return;
    }
    const waiting = this.chains.get(executionId);
    if (waiting) {
      waiting.push(...batch);
      for (const j of batch) this.held.add(j.id);
      return;
    }
    const queue: ClaimedJob[] = [];
    this.chains.set(executionId, queue);
    const chain = async (release: () => void) => {
      let next = batch;
      try {
        while (next.length > 0) {
          await this.run(next, release);
          // Claimed while the previous run was written: the row they came with may be older than its commit.
          next = queue.splice(0).map((j) => ({ ...j, execution: undefined }));
        }
      } finally {
        this.chains.delete(executionId);
      }
    };
    this.track(chain);
  }

  /** Runs `work` in a slot, which `work` may free early (`release`) once it only waits for a commit. */
  private track(work: (release: () => void) => Promise<void>): void {
    let holding = true;
    this.busy += 1;
    const release = () => {
      if (!holding) return;
      holding = false;
      this.busy -= 1;
      this.slotFreed();
    };
    const done = work(release);
    this.inFlight.add(done);
    void done.finally(() => {
      release();
      this.inFlight.delete(done);
      this.slotFreed();
    });
  }

  /**
   * How long to sleep: until the next due job, at most one poll interval. Asked also while work is in
   * flight (only after a claim found nothing): a finishing task wakes the loop, but a timer or scheduled
   * run coming due meanwhile wakes nothing, and waited up to a poll interval behind a long task.
   */
  private async idleDelay(): Promise<number> {
    const { options } = this;
    try {
      const due = await nextDueAt(options.commit.sql, new Date(options.commit.clock.now()), options.serving.current());
      if (!due) return options.pollMs;
      return Math.max(0, Math.min(options.pollMs, due.getTime() - options.commit.clock.now()));
    } catch {
      return Math.min(1000, options.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Timer lateness: how long after its due time each timer's step job was claimed. */
  private timeTimers(batch: readonly ClaimedJob[]): void {
    const metrics = this.options.commit.metrics;
    if (!metrics) return;
    const now = this.options.commit.clock.now();
    for (const j of batch) {
      if ((j.payload as { event?: { type?: string } }).event?.type === 'timerFired') metrics.timerClaimed(Math.max(0, now - j.runAt.getTime()) / 1000);
    }
  }

  /** Runs claimed jobs; `release` frees their slot early (an invoke job's call has answered). */
  private async run(batch: ClaimedJob[], release: () => void): Promise<void> {
    const { options } = this;
    const [job] = batch;
    for (const j of batch) this.held.add(j.id);
    try {
      if (job.kind === jobKinds.invoke) await runInvokeJob(this.ctx, job, release);
      else if (job.kind === jobKinds.step) {
        this.timeTimers(batch);
        const items = batch.map((j) => ({ event: decodePayload(stepJobFormat, j).event, jobId: j.id }));
        await this.commits.deliver(job.executionId as string, items, batch.find((j) => j.execution)?.execution);
      } else if (options.jobHandlers?.[job.kind]) {
        const handler = options.jobHandlers[job.kind];
        if (handler.batch && batch.length > 1) await handler.batch(batch, options.commit.workerId);
        else await handler(job, options.commit.workerId);
      } else {
        options.logger.error({ jobId: job.id, kind: job.kind }, 'unknown job kind; set aside for an hour');
        await releaseJobs(options.commit.sql, options.commit.workerId, [job.id], new Date(options.commit.clock.now() + 3_600_000));
      }
    } catch (e) {
      if (e instanceof LeaseLost) return;
      // A database hiccup or a bug: hand the jobs back with a delay that grows with their attempts.
      const delay = Math.min(60_000, 250 * 2 ** Math.min(job.attempts, 8));
      options.logger.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts, error: e instanceof Error ? e.message : String(e) }, 'job failed; retrying later');
      await releaseJobs(options.commit.sql, options.commit.workerId, batch.map((j) => j.id), new Date(options.commit.clock.now() + delay)).catch(() => {});
    } finally {
      for (const j of batch) this.held.delete(j.id);
    }
  }
}

/**
 * Jobs a worker holds at most, running or answered and waiting for their commit: at least 512, so
 * that results of quick calls fill large group commits whatever the concurrency.
 */
function maxInFlightFor(concurrency: number): number {
  return Math.max(concurrency, 512);
}

/**
 * Executions one group commit holds at most: half the jobs a worker holds (at least 32), so that
 * while one group is written the other half's results fill the next, and the jobs whose group
 * committed are replaced by a claim meanwhile. One group of all of them made claim and commit take
 * turns (measured, one-Task executions: 5 000–5 500/s at concurrency 256 and 512; 7 500–8 900/s in
 * halves).
 */
function groupSizeFor(jobs: number): number {
  return Math.max(Math.min(32, jobs), Math.ceil(jobs / 2));
}

/**
 * Step jobs of one execution go together (one transaction), and so do the jobs of a kind whose handler
 * takes batches; every other job alone.
 */
function batches(jobs: ClaimedJob[], handlers: WorkerOptions['jobHandlers']): ClaimedJob[][] {
  const groups = new Map<string, ClaimedJob[]>();
  const out: ClaimedJob[][] = [];
  for (const job of jobs) {
    const together = job.kind === jobKinds.step ? job.executionId : handlers?.[job.kind]?.batch ? `kind:${job.kind}` : null;
    if (together === null) {
      out.push([job]);
      continue;
    }
    const group = groups.get(together);
    if (group) group.push(job);
    else {
      const fresh = [job];
      groups.set(together, fresh);
      out.push(fresh);
    }
  }
  return out;
}

/**
 * At most one NOTIFY per `intervalMs` from this process (PERFORMANCE.md lesson 2): the first of a burst
 * goes at once (measured: waiting the interval first added ~5 ms to start-to-handler latency across
 * processes), the rest of the burst is folded into one trailing notification.
 */
export function debouncedNotifier(sql: Sql, intervalMs: number, logger: Logger): () => void {
  let lastSent = 0;
  let trailing: NodeJS.Timeout | null = null;
  const send = () => {
    lastSent = Date.now();
    notifyJobsAvailable(sql).catch((e) => logger.debug({ error: String(e) }, 'notify failed'));
  };
  return () => {
    if (trailing) return;
    const wait = lastSent + intervalMs - Date.now();
    if (wait <= 0) {
      send();
      return;
    }
    trailing = setTimeout(() => {
      trailing = null;
      send();
    }, wait);
  };
}
