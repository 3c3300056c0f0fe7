/**
 * graphile-worker in the durable scenarios: a `noop` task list, jobs queued with `addJobs` in
 * batches, a runner started per work-off. Its settings come from its documentation's performance page
 * (worker.graphile.org/docs/performance): the configuration behind its published figures is
 * `concurrentJobs: 24, maxPoolSize: 25, localQueue: { size: 500 }, completeJobBatchDelay: 0,
 * failJobBatchDelay: 0`; prepared statements are on by default and Node's clock saves a `now()`.
 */
import { Logger, makeWorkerUtils, run, type Runner, type TaskList, type WorkerUtils } from 'graphile-worker';
import { connect, type Sql } from './durable-modules.mts';
import {
  CallCounter,
  createDatabase,
  dropDatabase,
  inBatches,
  waitUntilNone,
  within,
  type LatencyContestant,
  type ThroughputContestant,
  type WorkOff,
} from './durable-support.mts';

export const graphileDatabase = `bench_graphile_${process.pid}`;

type WorkerSettings = NonNullable<NonNullable<Parameters<typeof run>[0]['preset']>['worker']>;

/** The settings each configuration adds to the connection string. */
export const graphileSettings = {
  /** Concurrency as its docs' benchmark, nothing batched: one fetch and one completion per job. */
  unbatched: { concurrentJobs: 24, maxPoolSize: 25, pollInterval: 2_000, preparedStatements: true },
  /** Its docs' benchmark configuration, with every batching option on. */
  batched: {
    concurrentJobs: 24,
    maxPoolSize: 25,
    pollInterval: 2_000,
    preparedStatements: true,
    useNodeTime: true,
    localQueue: { size: 500 },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
  },
  /**
   * The batched configuration polling every 100 ms (`bench/timer-lateness.mts`): graphile-worker finds a
   * job that becomes due by polling, so its poll interval bounds how late a timer starts.
   */
  timers: {
    concurrentJobs: 24,
    maxPoolSize: 25,
    pollInterval: 100,
    preparedStatements: true,
    useNodeTime: true,
    localQueue: { size: 500 },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
  },
} satisfies Record<string, WorkerSettings>;

export type GraphileConfiguration = keyof typeof graphileSettings;

const silent = new Logger(() => () => {});

interface ChainStep {
  c: number;
  k: number;
  n: number;
}

export class GraphileBench {
  readonly counter = new CallCounter();
  private utils: WorkerUtils | null = null;
  private probe: Sql | null = null;

  private constructor(private readonly url: string) {}

  /** A fresh database with graphile-worker's schema installed. */
  static async open(): Promise<GraphileBench> {
    const bench = new GraphileBench(await createDatabase(graphileDatabase));
    bench.utils = await makeWorkerUtils({ connectionString: bench.url, logger: silent });
    await bench.utils.migrate();
    bench.probe = connect(bench.url, { max: 1, applicationName: 'graphile-bench-probe' });
    return bench;
  }

  get workerUtils(): WorkerUtils {
    if (!this.utils) throw new Error('GraphileBench is closed');
    return this.utils;
  }

  async enqueue(count: number): Promise<void> {
    await inBatches(count, (indexes) => this.workerUtils.addJobs(indexes.map((i) => ({ identifier: 'noop', payload: { i } }))));
  }

  /** A runner with `configuration`, calling the shared counter for every job. */
  startRunner(configuration: GraphileConfiguration): Promise<Runner> {
    return this.startRunnerWith(configuration, { noop: async () => this.counter.record() });
  }

  startRunnerWith(configuration: GraphileConfiguration, taskList: TaskList): Promise<Runner> {
    return run({
      connectionString: this.url,
      logger: silent,
      noHandleSignals: true,
      parsedCronItems: [],
      taskList,
      preset: { worker: graphileSettings[configuration] },
    });
  }

  /**
   * A runner for chains (`bench/start-one-by-one.mts`): a `step` job `{ c, k, n }` is step k of n of
   * chain c; its handler adds step k + 1 (from the worker's own pool, committed before this job's
   * completion), so a chain has a row in the table until its last job completes.
   */
  startChainRunner(configuration: GraphileConfiguration): Promise<Runner> {
    return this.startRunnerWith(configuration, {
      step: async (payload, helpers) => {
        const { c, k, n } = payload as ChainStep;
        if (k < n) await helpers.addJob('step', { c, k: k + 1, n } satisfies ChainStep);
      },
    });
  }

  /** Adds the first job of chain `c` of `n` steps. */
  async startChain(c: number, n: number): Promise<void> {
    await this.workerUtils.addJob('step', { c, k: 1, n } satisfies ChainStep);
  }

  /** Chains with a job not completed yet. */
  async unfinishedChains(): Promise<Set<string>> {
    const rows = await this.probe!.unsafe<{ id: string }[]>(`select distinct payload->>'c' as id from graphile_worker._private_jobs`);
    return new Set(rows.map((r) => r.id));
  }

  async workOff(count: number, configuration: GraphileConfiguration): Promise<WorkOff> {
    const called = this.counter.expect(count);
    const asked = performance.now();
    const runner = await this.startRunner(configuration);
    try {
      await within(called, 300_000, `graphile-worker (${configuration}) calling ${count} handlers`);
      await waitUntilNone(() => this.remaining(), 60_000);
      return { ms: performance.now() - this.counter.firstAt, startupMs: this.counter.firstAt - asked };
    } finally {
      await runner.stop();
    }
  }

  /** Jobs not yet completed: graphile-worker deletes a job when it completes. */
  async remaining(): Promise<number> {
    const [row] = await this.probe!.unsafe<{ n: number }[]>('select count(*)::int as n from graphile_worker._private_jobs');
    return row.n;
  }

  async close(): Promise<void> {
    await this.utils?.release();
    await this.probe?.end();
    this.utils = null;
    this.probe = null;
    await dropDatabase(graphileDatabase);
  }
}

export function graphileThroughput(bench: GraphileBench, configuration: GraphileConfiguration): ThroughputContestant {
  return {
    label: `graphile-worker, ${configuration}`,
    enqueue: (count) => bench.enqueue(count),
    workOff: (count) => bench.workOff(count, configuration),
  };
}

/** Enqueue-to-handler: `addJob` from its WorkerUtils pool; its insert trigger's NOTIFY wakes the runner. */
export function graphileLatency(bench: GraphileBench, configuration: GraphileConfiguration, samples: number): LatencyContestant {
  let runner: Runner | null = null;
  return {
    label: `graphile-worker, ${configuration}`,
    path: 'addJob from another pool (NOTIFY)',
    samples,
    async start() {
      runner = await bench.startRunner(configuration);
    },
    async sample() {
      const called = bench.counter.expect(1);
      const started = performance.now();
      await bench.workerUtils.addJob('noop', {});
      await within(called, 10_000, 'graphile-worker calling the handler');
      const delay = bench.counter.firstAt - started;
      await waitUntilNone(() => bench.remaining(), 10_000, 1);
      return delay;
    },
    async stop() {
      await runner?.stop();
      runner = null;
    },
  };
}
