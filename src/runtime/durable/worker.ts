/**
 * A worker: claims due jobs in batches under a lease, runs up to `concurrency` at once, and sleeps
 * exactly until the next due job when idle (one `nextDueAt` query), woken early by NOTIFY or by a
 * commit in this process. Polling, not NOTIFY, is what guarantees progress.
 *
 * `concurrency` counts what runs: a Task's resource call holds a slot until it answers, not until its
 * result is committed. Answered calls and jobs of a kind whose handler takes batches (scheduled
 * starts) wait for their commit without a slot (at most
 * `maxInFlightFor(concurrency)` jobs are held in all), so the default 32 slots keep claiming while
 * earlier results are written.
 */
import { stepJobFormat } from '../../core/index.ts';
import type { ResourceRegistry } from '../../resources/index.ts';
import { claimDueJobs, enqueueJobs, decodePayload, jobKinds, jobs as jobBuilders, listenForJobs, nextDueAt, notifyJobsAvailable, releaseJobs, type ClaimOptions, type ClaimedJob, type JobHandler, type Sql } from '../../store/index.ts';
import type { Logger } from '../../shared/index.ts';
import { LeaseLost, type CommitContext } from './commit.ts';
import { GroupCommit } from './group-commit.ts';
import { runInvokeJob, type InvokeContext } from './invoke.ts';
import type { Serving } from './serving.ts';

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
  private readonly maxInFlight: number;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private loopDone: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  /** Work that goes together (an execution's steps, a batch kind's jobs) being run, with the jobs that arrived for it meanwhile. */
  private readonly chains = new Map<string, ClaimedJob[]>();
  /** Jobs this worker is running now (their leases), for a graceful stop. */
  private readonly held = new Set<number>();
  private readonly ctx: InvokeContext;
  private readonly commits: GroupCommit;
  /** The kinds of job that take no slot: those whose handler takes batches. */
  private readonly slotlessKinds: string[];

  constructor(private readonly options: WorkerOptions) {
    const { commit } = options;
    this.maxInFlight = maxInFlightFor(options.concurrency);
    this.slotlessKinds = Object.keys(options.jobHandlers ?? {}).filter((kind) => options.jobHandlers?.[kind]?.batch);
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

  slots(): { busy: number; total: number } {
    return { busy: this.busy, total: this.options.concurrency };
  }

  wake(): void {
    this.woken = true;
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private async loop(): Promise<void> {
    const { options } = this;
    while (this.running) {
      // Jobs held count, not work in flight: a chain of jobs that go together is one piece of work.
      const room = Math.min(options.concurrency - this.busy, this.maxInFlight - this.held.size);
      if (room <= 0) {
        // Woken when a slot is freed or work finishes (or by a NOTIFY, which only makes it look again).
        this.woken = false;
        await this.sleep(options.pollMs);
        continue;
      }
      this.woken = false;
      let jobs: ClaimedJob[] = [];
      try {
        jobs = await this.claim(room, {});
        for (const batch of batches(jobs, options.jobHandlers)) this.dispatch(batch);
        // A burst of database-only jobs (scheduled starts coming due together): no slot bounds them, so
        // a claim of their kinds alone takes hundreds, not as many as the free slots.
        const bulk = this.maxInFlight - this.held.size;
        if (bulk > 0 && jobs.length === room && 2 * jobs.filter((j) => this.slotless(j)).length >= jobs.length) {
          for (const batch of batches(await this.claim(bulk, { kinds: this.slotlessKinds }), options.jobHandlers)) this.dispatch(batch);
        }
      } catch (e) {
        options.logger.warn({ error: String(e) }, 'claiming jobs failed; retrying');
        await this.sleep(Math.min(1000, options.pollMs));
        continue;
      }
      if (jobs.length === room) continue;
      if (jobs.length > 0 || this.woken) continue;
      await this.sleep(await this.idleDelay());
    }
  }

  private claim(limit: number, kinds: Pick<ClaimOptions, 'kinds'>): Promise<ClaimedJob[]> {
    const { options } = this;
    return claimDueJobs(options.commit.sql, {
      workerId: options.commit.workerId, now: new Date(options.commit.clock.now()), limit, leaseMs: options.leaseMs, served: options.serving.current(), ...kinds,
    });
  }

  /** Whether the job is of a kind whose handler takes batches: database work only, it takes no slot. */
  private slotless(job: ClaimedJob): boolean {
    return Boolean(this.options.jobHandlers?.[job.kind]?.batch);
  }

  /**
   * Jobs that go together run one group at a time: the step jobs of an execution that this worker is
   * already stepping wait for that transaction and go in the next one (two transactions of one worker
   * never queue on the same row lock: a Map's branches all end on their parent, and the waiting events
   * are delivered together), and so do the jobs of a kind whose handler takes batches (claims made
   * while a batch is written make the next one: 10 000 scheduled starts due within a second went in
   * claims of 32, one transaction each). A batch kind's work is database work only: it frees its
   * resource slot at once. Waiting jobs count against `maxInFlight`.
   */
  private dispatch(batch: ClaimedJob[]): void {
    const key = togetherKey(batch[0], this.options.jobHandlers);
    if (key === null) {
      this.track((release) => this.run(batch, release));
      return;
    }
    const waiting = this.chains.get(key);
    if (waiting) {
      waiting.push(...batch);
      for (const j of batch) this.held.add(j.id);
      return;
    }
    const queue: ClaimedJob[] = [];
    this.chains.set(key, queue);
    const chain = async (release: () => void) => {
      // A batch kind's jobs are database work only. A step job keeps its slot until committed: freed at
      // once, a burst of 10 000 timers claimed ahead of the Tasks they call made those calls later (see
      // docs/performance.md, Timers).
      if (key.startsWith('kind:')) release();
      let next = batch;
      try {
        while (next.length > 0) {
          await this.run(next, release);
          // Claimed while the previous run was written: the row they came with may be older than its commit.
          next = queue.splice(0, this.maxInFlight).map((j) => ({ ...j, execution: undefined }));
        }
      } finally {
        this.chains.delete(key);
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
      this.wake();
    };
    const done = work(release);
    this.inFlight.add(done);
    void done.finally(() => {
      release();
      this.inFlight.delete(done);
      this.wake();
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
      // Room for more jobs: a chain still running frees no slot when one of its groups is written.
      this.wake();
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

/** What a job goes together with: its execution (a step job), its kind (a kind whose handler takes batches), or nothing. */
function togetherKey(job: ClaimedJob, handlers: WorkerOptions['jobHandlers']): string | null {
  if (job.kind === jobKinds.step) return job.executionId;
  return handlers?.[job.kind]?.batch ? `kind:${job.kind}` : null;
}

/**
 * Step jobs of one execution go together (one transaction), and so do the jobs of a kind whose handler
 * takes batches; every other job alone.
 */
function batches(jobs: ClaimedJob[], handlers: WorkerOptions['jobHandlers']): ClaimedJob[][] {
  const together = new Map<string, ClaimedJob[]>();
  const out: ClaimedJob[][] = [];
  for (const job of jobs) {
    const key = togetherKey(job, handlers);
    if (key === null) {
      out.push([job]);
      continue;
    }
    const group = together.get(key);
    if (group) group.push(job);
    else {
      const fresh = [job];
      together.set(key, fresh);
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
