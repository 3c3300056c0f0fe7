/**
 * Nightshift in the durable scenarios, wired as `test/support/engine.ts` and `src/boot/engine.ts` do:
 * one pool, the in-code `noop` resource, a one-Task workflow, and the service's `startExecution`.
 * Every step is durable: the start commits the execution row with its first step (the Task's invoke
 * job), and the worker commits the Task's result, the SUCCEEDED status and the history in one
 * transaction after calling the handler.
 */
import {
  connect,
  deployWorkflow,
  DurableRuntime,
  loadWorkflow,
  migrate,
  registerWorkflowResources,
  ResourceRegistry,
  scheduledRunJobHandlers,
  startExecution,
  systemClock,
  type JobHandler,
  type Json,
  type ServiceDeps,
  type Sql,
} from './durable-modules.mts';
import {
  CallCounter,
  createDatabase,
  dropDatabase,
  inParallel,
  waitUntilNone,
  within,
  type LatencyContestant,
  type ThroughputContestant,
  type WorkOff,
} from './durable-support.mts';

/** Per process: another benchmark running at the same time on the same server keeps its own database. */
export const nightshiftDatabase = `bench_nightshift_${process.pid}`;

export const workflowName = 'bench-noop';
/** Three Tasks in a row (`bench/start-one-by-one.mts`): every step but the last leaves the execution RUNNING. */
export const threeStepWorkflowName = 'bench-three';
/** A Wait until `$.due`, then a Task whose handler records how late it was called (`bench/timer-lateness.mts`). */
export const waitWorkflowName = 'bench-wait';

/** One Task calling the no-op handler: the whole execution is start → invoke → record → SUCCEEDED. */
const definition = {
  Comment: 'The durable benchmark: one Task whose handler answers its input.',
  StartAt: 'Noop',
  States: { Noop: { Type: 'Task', Resource: 'noop', End: true } },
};

const waitDefinition = {
  Comment: 'Sleeps until $.due, then calls the lateness handler.',
  StartAt: 'Sleep',
  States: {
    Sleep: { Type: 'Wait', TimestampPath: '$.due', Next: 'Woken' },
    Woken: { Type: 'Task', Resource: 'lateness', End: true },
  },
};

const threeStepDefinition = {
  Comment: 'Three Tasks calling the no-op handler one after the other.',
  StartAt: 'One',
  States: {
    One: { Type: 'Task', Resource: 'noop', Next: 'Two' },
    Two: { Type: 'Task', Resource: 'noop', Next: 'Three' },
    Three: { Type: 'Task', Resource: 'noop', End: true },
  },
};

/** What `src/boot/engine.ts` gives a worker process: concurrency + 2 connections, at least 4, at most 20. */
const poolSizeFor = (concurrency: number): number => Math.max(4, Math.min(20, concurrency + 2));

/** Executions started at once while queueing: enough to keep every pooled connection busy. */
const startersInFlight = 32;

export interface NightshiftOptions {
  /** The largest worker concurrency that will be used; sizes the pool as boot would. */
  maxConcurrency: number;
  leaseMs?: number;
  pollMs?: number;
  /** The scratch database's name (default `nightshiftDatabase`): a benchmark comparing two databases names the second. */
  database?: string;
}

export class NightshiftBench {
  readonly counter = new CallCounter();
  /** ms between `$.due` and the call, for every call of the `lateness` handler. */
  readonly lateness: number[] = [];
  /** Called when the `noop` handler sees `{ probe: n }` in its input (`bench/latency-under-load.mts`). */
  readonly probes = new Map<number, () => void>();
  private readonly registry: ResourceRegistry;
  private sql: Sql | null = null;
  private url = '';

  private get database(): string {
    return this.options.database ?? nightshiftDatabase;
  }

  /** The database's URL, for another process (`bench/scale-out.mts`). */
  get databaseUrl(): string {
    return this.url;
  }

  private constructor(private readonly options: NightshiftOptions) {
    this.registry = new ResourceRegistry().register('noop', (input: Json) => {
      const probe = (input as { probe?: unknown } | null)?.probe;
      if (typeof probe === 'number') this.probes.get(probe)?.();
      this.counter.record();
      return input;
    }).register('lateness', (input: Json) => {
      this.lateness.push(Date.now() - Date.parse((input as { due: string }).due));
      return null;
    });
  }

  /** A fresh database, migrated, with the workflow deployed. */
  static async open(options: NightshiftOptions): Promise<NightshiftBench> {
    const bench = new NightshiftBench(options);
    bench.url = await createDatabase(bench.database);
    bench.sql = connect(bench.url, { max: poolSizeFor(options.maxConcurrency), applicationName: 'nightshift-bench' });
    await migrate(bench.sql);
    for (const [name, source] of [[workflowName, definition], [threeStepWorkflowName, threeStepDefinition], [waitWorkflowName, waitDefinition]] as const) {
      const { workflow, problems } = loadWorkflow(JSON.stringify(source), `${name}.json`, { isKnownResource: (r) => bench.registry.has(r) });
      if (!workflow) throw new Error(`the benchmark workflow ${name} is invalid: ${JSON.stringify(problems)}`);
      await deployWorkflow({ sql: bench.sql }, workflow);
    }
    return bench;
  }

  /** A second pool on the same database, as another process would have. */
  openPool(max: number): Sql {
    return connect(this.url, { max, applicationName: 'nightshift-bench-other' });
  }

  get pool(): Sql {
    if (!this.sql) throw new Error('NightshiftBench is closed');
    return this.sql;
  }

  /**
   * A runtime on this pool; concurrency 0 runs no worker (a process that only starts executions).
   * `triggers`: the worker also runs scheduled runs' jobs, as boot wires it.
   */
  runtime(concurrency: number, sql: Sql = this.pool, triggers = false): { runtime: DurableRuntime; deps: ServiceDeps } {
    const jobHandlers: Record<string, JobHandler> = {};
    const runtime = new DurableRuntime({
      sql, registry: this.registry, concurrency, leaseMs: this.options.leaseMs ?? 30_000, pollMs: this.options.pollMs ?? 1_000, jobHandlers,
    });
    const deps: ServiceDeps = { sql, runtime, clock: systemClock };
    if (triggers) Object.assign(jobHandlers, scheduledRunJobHandlers(deps));
    // Wired as boot wires a process (the benchmark workflow itself calls only `noop`).
    registerWorkflowResources(this.registry, deps);
    return { runtime, deps };
  }

  /** Starts `count` executions with no worker running: each leaves its row and one due invoke job. */
  async enqueue(count: number): Promise<void> {
    const { deps } = this.runtime(0);
    await inParallel(count, startersInFlight, (i) => startExecution(deps, { workflow: workflowName, input: { i } }));
  }

  /** Starts a worker with `concurrency`, waits for every RUNNING execution to end, stops it. */
  async workOff(count: number, concurrency: number): Promise<WorkOff> {
    const { runtime } = this.runtime(concurrency);
    const called = this.counter.expect(count);
    const asked = performance.now();
    await runtime.start();
    try {
      await within(called, 300_000, `nightshift (concurrency ${concurrency}) calling ${count} handlers`);
      await waitUntilNone(() => this.running(), 60_000);
      const done = performance.now();
      return { ms: done - this.counter.firstAt, startupMs: this.counter.firstAt - asked };
    } finally {
      await runtime.stop(5_000);
    }
  }

  /**
   * How late each scheduled run due at or after `since` started, in ms (its execution's `started_at`, stamped
   * by the start, minus its `due_at`): runs not started yet are not in it.
   */
  async scheduledLateness(since: Date): Promise<number[]> {
    const rows = await this.pool.unsafe<{ late: number }[]>(
      `select extract(epoch from (e.started_at - r.due_at))::float8 * 1000 as late
       from nightshift.scheduled_runs r join nightshift.executions e on e.id = r.execution_id where r.due_at >= $1`,
      [since],
    );
    return rows.map((r) => Number(r.late));
  }

  async running(): Promise<number> {
    // executions_status_started_at_idx, which holds only `kind = 'execution'` rows: without that condition
    // this poll scanned the whole table, with 1 M stored executions a parallel scan on both cores every few
    // ms, which is what made the work-off look 0.68x slower with history (docs/performance.md, target 6).
    const [row] = await this.pool.unsafe<{ n: number }[]>(`select count(*)::int as n from nightshift.executions where kind = 'execution' and status = 'RUNNING'`);
    return row.n;
  }

  async close(): Promise<void> {
    await this.sql?.end();
    this.sql = null;
    await dropDatabase(this.database);
  }
}

export function nightshiftThroughput(bench: NightshiftBench, concurrency: number): ThroughputContestant {
  return {
    label: `nightshift, concurrency ${concurrency}`,
    enqueue: (count) => bench.enqueue(count),
    workOff: (count) => bench.workOff(count, concurrency),
  };
}

/**
 * Start-to-handler latency with an idle worker. `viaNotify: false` starts executions through the worker's
 * own runtime, as `nightshift serve` does (the commit wakes the worker in-process); `viaNotify: true`
 * starts them from another runtime on another pool, as a separate API process would, so only the
 * NOTIFY sent after the commit wakes the worker.
 */
export function nightshiftLatency(bench: NightshiftBench, concurrency: number, samples: number, viaNotify: boolean): LatencyContestant {
  let worker: DurableRuntime | null = null;
  let starterPool: Sql | null = null;
  let deps: ServiceDeps | null = null;
  return {
    label: 'nightshift',
    path: viaNotify ? 'started by another process (NOTIFY)' : 'started in the worker process',
    samples,
    async start() {
      const workers = bench.runtime(concurrency);
      worker = workers.runtime;
      await worker.start();
      if (viaNotify) {
        starterPool = bench.openPool(4);
        deps = bench.runtime(0, starterPool).deps;
      } else {
        deps = workers.deps;
      }
    },
    async sample() {
      if (!deps) throw new Error('latency contestant not started');
      const called = bench.counter.expect(1);
      const started = performance.now();
      await startExecution(deps, { workflow: workflowName, input: {} });
      await within(called, 10_000, 'nightshift calling the handler');
      const delay = bench.counter.firstAt - started;
      // The next sample starts on an idle engine: this execution's last step has committed.
      await waitUntilNone(() => bench.running(), 10_000, 1);
      return delay;
    },
    async stop() {
      await worker?.stop(2_000);
      await starterPool?.end();
      worker = null;
      starterPool = null;
      deps = null;
    },
  };
}

