/**
 * The durable runtime: workers plus the few operations the service layer needs (start an execution
 * with its first step in the same transaction, deliver an event now, queue one for later). Starts made
 * at the same time share transactions (`Grouped`): each is inserted and first-stepped as alone, but
 * many commit together.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { stepJobFormat, type StepEvent } from '../../core/index.ts';
import type { ResourceRegistry } from '../../resources/index.ts';
import { enqueueJobs, insertExecutions, insertStartedExecutions, jobs, type JobHandler, type ExecutionRow, type NewExecution, type Queryable, type Sql } from '../../store/index.ts';
import { defaultLimits, Grouped, silentLogger, silentMetrics, systemClock, type Clock, type EngineMetrics, type EngineTracer, type Logger } from '../../shared/index.ts';
import { deliverEvents, stepStarts, type CommitContext, type StepOutcome } from './commit.ts';
import { ContextCache } from './contexts.ts';
import { MachineCache } from './machines.ts';
import { Serving } from './serving.ts';
import { observeSteps, type ObservedStep } from './observe.ts';
import { firstStepsInMemory, type FirstSteps } from './first-steps.ts';
import { debouncedNotifier, Worker } from './worker.ts';
import { EagerLeases, queuedDueNow } from './eager.ts';

export interface DurableRuntimeOptions {
  sql: Sql;
  registry: ResourceRegistry;
  clock?: Clock;
  logger?: Logger;
  workerId?: string;
  /** Jobs run at once by this process's worker (0: this process runs no worker). */
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  notifyIntervalMs?: number;
  /** History events an execution or branch row may reach before its next step fails it (default 25 000). */
  maxHistoryEvents?: number;
  /**
   * Handlers of the job kinds triggers add (scheduled runs, cron ticks, table changes), when they exist
   * before the runtime; boot builds them on the service deps, which need the runtime, and gives them to start().
   */
  jobHandlers?: Readonly<Record<string, JobHandler>>;
  /** The resources this process's worker serves (`resources:` in nightshift.yaml); absent: every registered one. */
  resources?: readonly string[] | null;
  /** Where executions, states, tasks, timers and group commits are counted (default: nowhere). */
  metrics?: EngineMetrics;
  /** Spans per execution, state and task attempt (default: none). */
  tracer?: EngineTracer;
  /**
   * Whether this process's worker runs the Task calls that its own steps and starts create at once when
   * it has a free slot, leased at birth with no claim (eager.ts; default true). False: every call is queued
   * and claimed, strictly by priority.
   */
  eagerDispatch?: boolean;
}

export class DurableRuntime {
  readonly workerId: string;
  private readonly ctx: CommitContext & { registry: ResourceRegistry };
  private worker: Worker | null = null;
  private readonly logger: Logger;
  private readonly starts: Grouped<NewExecution, ExecutionRow | null>;

  constructor(private readonly options: DurableRuntimeOptions) {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const metrics = options.metrics ?? silentMetrics;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const machines = new MachineCache();
    const contexts = new ContextCache();
    const notify = debouncedNotifier(options.sql, options.notifyIntervalMs ?? 5, logger);
    this.ctx = {
      sql: options.sql, clock, machines, contexts, workerId: this.workerId, registry: options.registry,
      maxHistoryEvents: options.maxHistoryEvents ?? defaultLimits.maxHistoryEvents,
      metrics,
      tracer: options.tracer,
      observe: (steps) => observeSteps(steps, logger, metrics, options.tracer),
      onJobsDue: () => {
        this.worker?.wake();
        notify();
      },
    };
    this.logger = logger;
    this.starts = new Grouped<NewExecution, ExecutionRow | null>({
      maxBatch: startsPerTransaction,
      writeAll: (executions) => this.startTogether(executions),
      writeOne: async (execution) => (await this.startTogether([execution]))[0],
      logger,
      what: 'starts',
    });
  }

  /**
   * Builds this process's worker with every job handler it will run (the constructor's and these) and
   * starts it; without workers (concurrency 0) nothing runs. Call it once.
   */
  async start(jobHandlers: Readonly<Record<string, JobHandler>> = {}): Promise<void> {
    const { options } = this;
    const concurrency = options.concurrency ?? 32;
    const leaseMs = options.leaseMs ?? 30_000;
    if (concurrency <= 0 || this.worker) return;
    const { clock, workerId } = this.ctx;
    this.worker = new Worker({
      commit: this.ctx, logger: this.logger, concurrency, leaseMs, pollMs: options.pollMs ?? 1_000,
      jobHandlers: { ...options.jobHandlers, ...jobHandlers },
      serving: new Serving({ sql: options.sql, registry: options.registry, workerId, clock, logger: this.logger, resources: options.resources, ttlMs: leaseMs }),
    });
    await this.worker.start();
    // Steps and starts of this process hand the Task calls they create to this worker when it has room.
    if (options.eagerDispatch !== false) this.ctx.eager = this.worker.eagerSlots();
  }

  /** Resource-call slots of this process's worker: in use and in all (0 and 0 without a worker). */
  slots(): { busy: number; total: number } {
    return this.worker?.slots() ?? { busy: 0, total: 0 };
  }

  /** Stops the worker (see Worker.stop); `clean` is false when running jobs had to be handed back. */
  async stop(graceMs?: number): Promise<{ clean: boolean }> {
    return (await this.worker?.stop(graceMs)) ?? { clean: true };
  }

  /**
   * Inserts the execution and runs its first step in the same transaction: states up to the first
   * Task, Wait or fan-out cost no extra round trip. `created` is false when the name or idempotency
   * key was taken (nothing was written).
   */
  async startExecution(execution: NewExecution): Promise<{ created: boolean; row: ExecutionRow | null }> {
    const row = await this.starts.add(execution);
    return { created: row !== null, row };
  }

  /** Starts executions in one transaction; answers each one's row as its first step left it, or null when not created. */
  private async startTogether(executions: NewExecution[]): Promise<Array<ExecutionRow | null>> {
    let started: { created: ExecutionRow[]; afterCommit(): void } | undefined;
    await this.options.sql.begin(async (tx) => {
      started = await this.startInTransaction(tx, executions);
    });
    started?.afterCommit();
    const created = new Map((started?.created ?? []).map((row) => [row.id, row]));
    return executions.map((e) => created.get(e.id) ?? null);
  }

  /**
   * Inserts executions and runs their first steps in the caller's transaction, one statement per kind
   * of write however many there are (one in all when no first step writes another row). Answers the
   * rows created, as their first step left them (a taken name or idempotency key creates nothing), and
   * what to call once the transaction has committed (it wakes workers for due jobs).
   */
  async startInTransaction(tx: Queryable, executions: readonly NewExecution[]): Promise<{ created: ExecutionRow[]; afterCommit(): void }> {
    const traced = this.traced(executions);
    const first = await firstStepsInMemory(this.ctx, tx, traced);
    if (first) {
      const { inserted } = await insertStartedExecutions(tx, first.starts, false);
      return this.startedAnswer(first, inserted);
    }
    const rows = await insertExecutions(tx, traced);
    const { rows: created, dueNow, observed } = await stepStarts(this.ctx, tx, rows);
    return { created, afterCommit: () => this.afterStarts(dueNow, observed) };
  }

  /**
   * Starts executions with one statement and no transaction block, when no first step writes another
   * row: one round trip and one commit (null otherwise: the caller starts them in a transaction). Only
   * executions whose version is still their workflow's current one are inserted; the others are `stale`
   * (the caller took the version from a cache).
   */
  async startAtOnce(executions: readonly NewExecution[]): Promise<{ created: ExecutionRow[]; stale: Set<string>; afterCommit(): void } | null> {
    // Root spans end only for the executions inserted: the others are started again, with spans of their own.
    const spans = new Map<string, { end(): void }>();
    const found = await firstStepsInMemory(this.ctx, this.options.sql, this.traced(executions, spans));
    if (!found) return null;
    // Written outside a transaction block: what this process's worker takes at birth runs once the statement returns.
    const nowMs = this.ctx.clock.now();
    const leases = new EagerLeases(this.ctx.eager, nowMs);
    const starts = found.starts.map((s) => ({ ...s, jobs: leases.mark(s.jobs) }));
    const first = { ...found, starts, dueNow: starts.some((s) => queuedDueNow(s.jobs, nowMs)) };
    const { inserted, stale, leased } = await leases.write(() => insertStartedExecutions(this.options.sql, first.starts, true));
    // The rows as inserted, with their versions: the step that records a taken call's result reads none.
    leases.commit(leased, new Map(starts.flatMap((s) => {
      const version = inserted.get(s.row.id);
      return version === undefined ? [] : [[s.row.id, { row: { ...s.row, ...s.write.update }, version }] as const];
    })));
    for (const [id, span] of spans) if (inserted.has(id)) span.end();
    return { ...this.startedAnswer(first, inserted), stale };
  }

  private startedAnswer(first: FirstSteps, inserted: ReadonlyMap<string, string>): { created: ExecutionRow[]; afterCommit(): void } {
    const created = first.starts.filter((s) => inserted.has(s.row.id)).map((s) => s.row);
    const observed = first.observed.filter((o) => inserted.has(o.row.id));
    return { created, afterCommit: () => this.afterStarts(first.dueNow && created.length > 0, observed) };
  }

  private afterStarts(dueNow: boolean, observed: readonly ObservedStep[]): void {
    if (dueNow) this.ctx.onJobsDue?.();
    this.ctx.observe?.(observed);
  }

  /**
   * With tracing on, each execution gets a root span (under the caller's traceparent when the start
   * carried one), ended at once (by startAtOnce once its row is inserted): the spans of its states and task attempts, made later by whichever
   * process steps it, hang under the traceparent stored on its row.
   */
  private traced(executions: readonly NewExecution[], spans?: Map<string, { end(): void }>): readonly NewExecution[] {
    const { tracer } = this.options;
    if (!tracer) return executions;
    return executions.map((e) => {
      const span = tracer.open(`execution ${e.workflowName}`, e.traceparent ?? null, {
        'nightshift.workflow': e.workflowName, 'nightshift.execution_id': e.id,
      }, e.startedAt.getTime());
      if (spans) spans.set(e.id, span);
      else span.end();
      return { ...e, traceparent: span.traceparent };
    });
  }

  /** Steps an execution with an event now, in a transaction of its own (stop, redrive). */
  deliverNow(executionId: string, event: StepEvent): Promise<StepOutcome> {
    return deliverEvents(this.ctx, executionId, [{ event }]);
  }

  /** Queues an event for an execution (task token answers, heartbeats): a worker steps it. */
  async enqueueEvent(executionId: string, event: StepEvent): Promise<void> {
    await enqueueJobs(this.options.sql, [jobs.step(stepJobFormat, executionId, event, new Date(this.ctx.clock.now()))]);
    this.ctx.onJobsDue?.();
  }
}

/**
 * Starts that share one transaction at most: a group holds what arrived while the previous one was
 * written, so it stays small unless many start at once. Measured (one-Task executions, 32 at once): one
 * transaction per start ~750–880 starts/s; 32 per transaction ~5 200–5 400/s.
 */
const startsPerTransaction = 64;
