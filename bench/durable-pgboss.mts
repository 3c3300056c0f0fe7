/**
 * pg-boss 10 (its newest major that runs on Node 20) in the durable scenarios. Its docs give one lever
 * for throughput: `batchSize` (a worker fetches that many jobs and hands them to the handler as an
 * array; 50 here). A worker sleeps `pollingIntervalSeconds` (at least 0.5 s) after every fetch, even a
 * full one, unless `notifyWorker(id)` — documented as skipping the polling interval for the next
 * iteration — is called: the handler calls it when its batch was full, so a backlog is fetched back to
 * back. Two workers (one per core) overlap one's fetch with the other's completion. pg-boss has no
 * LISTEN/NOTIFY: an idle worker finds a new job at its next poll.
 */
import PgBoss from 'pg-boss';
import { connect, type Sql } from './durable-modules.mts';
import {
  CallCounter,
  createDatabase,
  dropDatabase,
  inBatches,
  sleep,
  waitUntilNone,
  within,
  type LatencyContestant,
  type ThroughputContestant,
  type WorkOff,
} from './durable-support.mts';

export const pgbossDatabase = `bench_pgboss_${process.pid}`;

const queue = 'noop';

export const pgbossSettings = { batchSize: 50, workers: 2, pollingIntervalSeconds: 0.5 };

export class PgBossBench {
  readonly counter = new CallCounter();
  private boss: PgBoss | null = null;
  private probe: Sql | null = null;

  private constructor(private readonly url: string) {}

  /** A fresh database, pg-boss started (its schema installed) and the queue created. */
  static async open(): Promise<PgBossBench> {
    const bench = new PgBossBench(await createDatabase(pgbossDatabase));
    const boss = new PgBoss({ connectionString: bench.url, max: 10, application_name: 'pgboss-bench' });
    boss.on('error', (error) => console.error('pg-boss:', error));
    await boss.start();
    await boss.createQueue(queue);
    bench.boss = boss;
    bench.probe = connect(bench.url, { max: 1, applicationName: 'pgboss-bench-probe' });
    return bench;
  }

  get pgboss(): PgBoss {
    if (!this.boss) throw new Error('PgBossBench is closed');
    return this.boss;
  }

  async enqueue(count: number): Promise<void> {
    await inBatches(count, (indexes) => this.pgboss.insert(indexes.map((i) => ({ name: queue, data: { i } }))));
  }

  /** Starts `workers` workers of `batchSize`; a full batch makes its worker fetch again at once. */
  async startWorkers(workers: number): Promise<void> {
    const { batchSize, pollingIntervalSeconds } = pgbossSettings;
    for (let w = 0; w < workers; w++) {
      let id = '';
      id = await this.pgboss.work(queue, { batchSize, pollingIntervalSeconds }, async (jobs) => {
        this.counter.record(jobs.length);
        if (jobs.length === batchSize) this.pgboss.notifyWorker(id);
      });
    }
  }

  async workOff(count: number): Promise<WorkOff> {
    const called = this.counter.expect(count);
    const asked = performance.now();
    await this.startWorkers(pgbossSettings.workers);
    try {
      await within(called, 300_000, `pg-boss calling handlers for ${count} jobs`);
      await waitUntilNone(() => this.remaining(), 60_000);
      return { ms: performance.now() - this.counter.firstAt, startupMs: this.counter.firstAt - asked };
    } finally {
      await this.stopWorkers();
    }
  }

  /** `offWork` only asks the workers to stop; a worker ends its current fetch first. */
  async stopWorkers(): Promise<void> {
    await this.pgboss.offWork(queue);
    await sleep(100);
  }

  /** Jobs not completed yet (pg-boss keeps completed jobs until its maintenance archives them). */
  async remaining(): Promise<number> {
    const [row] = await this.probe!.unsafe<{ n: number }[]>(
      `select count(*)::int as n from pgboss.job where name = $1 and state < 'completed'`,
      [queue],
    );
    return row.n;
  }

  async close(): Promise<void> {
    await this.boss?.stop({ graceful: false, wait: true });
    await this.probe?.end();
    this.boss = null;
    this.probe = null;
    await dropDatabase(pgbossDatabase);
  }
}

export function pgbossThroughput(bench: PgBossBench): ThroughputContestant {
  return {
    label: `pg-boss, ${pgbossSettings.workers} workers × batchSize ${pgbossSettings.batchSize}`,
    enqueue: (count) => bench.enqueue(count),
    workOff: (count) => bench.workOff(count),
  };
}

/** Send-to-handler on an idle queue: governed by the poll (0.5 s at the least), so few samples say enough. */
export function pgbossLatency(bench: PgBossBench, samples: number): LatencyContestant {
  return {
    label: 'pg-boss',
    path: `send, found by polling every ${pgbossSettings.pollingIntervalSeconds} s`,
    samples,
    start: () => bench.startWorkers(1),
    async sample() {
      const called = bench.counter.expect(1);
      const started = performance.now();
      await bench.pgboss.send(queue, {});
      await within(called, 10_000, 'pg-boss calling the handler');
      const delay = bench.counter.firstAt - started;
      await waitUntilNone(() => bench.remaining(), 10_000, 1);
      return delay;
    },
    stop: () => bench.stopWorkers(),
  };
}
