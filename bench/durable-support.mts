/**
 * What the durable benchmarks share: one scratch database per engine, statistics over samples, and the
 * little waiting loops the scenarios need. Nothing here knows an engine.
 */
import { connect, type Sql } from './durable-modules.mts';

/** The server every engine and pgbench use; a database per engine is created on it and dropped after. */
export const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Scratch databases are named per run (`BENCH_DATABASE_SUFFIX`, default the process id): two benchmarks
 * on one server (several checkouts of the project on a shared machine) would otherwise drop each
 * other's database mid-run.
 */
const suffix = process.env.BENCH_DATABASE_SUFFIX ?? String(process.pid);
const scoped = (database: string) => `${database}_${suffix}`;

/** Creates `database` afresh (a leftover from an interrupted run is dropped first). */
export async function createDatabase(database: string): Promise<string> {
  await withAdmin(async (admin) => {
    await admin.unsafe(`drop database if exists ${quoteIdent(scoped(database))} with (force)`);
    await admin.unsafe(`create database ${quoteIdent(scoped(database))}`);
  });
  return databaseUrl(scoped(database));
}

export async function dropDatabase(database: string): Promise<void> {
  await withAdmin(async (admin) => {
    // Pools a peer ends in the background (graphile-worker's runner) get up to 2 s to close their connections:
    // one terminated by the forced drop while idle is an 'error' event on a pool nobody listens to any more.
    for (let waited = 0; waited < 2_000; waited += 50) {
      const [row] = await admin.unsafe<{ n: number }[]>('select count(*)::int as n from pg_stat_activity where datname = $1', [scoped(database)]);
      if (row.n === 0) break;
      await sleep(50);
    }
    await admin.unsafe(`drop database if exists ${quoteIdent(scoped(database))} with (force)`);
  });
}

export async function serverVersion(): Promise<string> {
  return withAdmin(async (admin) => {
    const [row] = await admin.unsafe<{ server_version: string }[]>('show server_version');
    return row.server_version;
  });
}

/** The settings that decide what a commit costs, so the report can say them. */
export async function durabilitySettings(): Promise<string> {
  return withAdmin(async (admin) => {
    const rows = await admin.unsafe<{ name: string; setting: string }[]>(
      `select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections') order by name`,
    );
    return rows.map((r) => `${r.name}=${r.setting}`).join(', ');
  });
}

async function withAdmin<T>(work: (admin: Sql) => Promise<T>): Promise<T> {
  const admin = connect(serverUrl, { max: 1, applicationName: 'nightshift-bench-admin' });
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile: the smallest sample with at least `p`% of the samples at or below it. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A pause of 1 to `maxMs` ms between latency samples, so samples do not fall into a rhythm with a poll. */
export const randomPause = (maxMs: number): Promise<void> => sleep(1 + Math.random() * (maxMs - 1));

/**
 * Polls `remaining` every `everyMs` until it answers 0; throws after `timeoutMs`. Used only once all
 * handlers have been called, to see the last completions committed, so the polling adds no load to
 * the part being measured.
 */
export async function waitUntilNone(remaining: () => Promise<number>, timeoutMs: number, everyMs = 2): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await remaining();
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`${left} items still not done after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** Counts handler calls and resolves when the `expected`-th one happens; remembers the first and last call. */
export class CallCounter {
  calls = 0;
  firstAt = 0;
  lastAt = 0;
  private expected = Number.POSITIVE_INFINITY;
  private reached: (() => void) | null = null;

  /** Resets the count and answers a promise that resolves at the `expected`-th call. */
  expect(expected: number): Promise<void> {
    this.calls = 0;
    this.firstAt = 0;
    this.lastAt = 0;
    this.expected = expected;
    return new Promise((resolve) => (this.reached = resolve));
  }

  /** Called by a handler, `count` items at a time (batch handlers). */
  record(count = 1): void {
    const now = performance.now();
    if (this.calls === 0) this.firstAt = now;
    this.lastAt = now;
    this.calls += count;
    if (this.calls >= this.expected && this.reached) {
      const reached = this.reached;
      this.reached = null;
      reached();
    }
  }
}

/** Rejects when `promise` has not settled after `ms`: a stuck engine ends the run with a message instead of hanging. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Peers' bulk enqueue: the item indexes 0..count-1 in calls of at most 1 000 (their documented batch size). */
export async function inBatches(count: number, enqueue: (indexes: number[]) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < count; from += 1_000) {
    await enqueue(Array.from({ length: Math.min(1_000, count - from) }, (_, k) => from + k));
  }
}

/** Runs `count` calls of `task` with at most `width` in flight. */
export async function inParallel(count: number, width: number, task: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
}

/** The time a work-off took: from the first handler call until the last item's completion was committed. */
export interface WorkOff {
  ms: number;
  /** From asking the engine to start its workers until its first handler call. */
  startupMs: number;
}

/** One engine in one configuration, in the "work off N already-queued items" scenario. */
export interface ThroughputContestant {
  readonly label: string;
  /** Queues `count` items while no worker runs. */
  enqueue(count: number): Promise<void>;
  /** Starts workers, waits until all `count` queued items are done, stops the workers. */
  workOff(count: number): Promise<WorkOff>;
}

/** One engine in one configuration, idle, asked for one item at a time. */
export interface LatencyContestant {
  readonly label: string;
  /** How the item gets to the worker, for the table (NOTIFY, in-process wake, polling). */
  readonly path: string;
  readonly samples: number;
  start(): Promise<void>;
  /** Queues one item and answers the ms from just before the call until its handler was called. */
  sample(): Promise<number>;
  stop(): Promise<void>;
}

