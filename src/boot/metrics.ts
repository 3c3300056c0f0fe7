/**
 * The engine's Prometheus metrics (docs/observability.md lists them): counters and histograms the
 * runtime feeds through `EngineMetrics`, and gauges read when scraped — the queue from one SQL statement
 * (cached for a second, so a scrape of every gauge costs one query), the worker's slots from memory.
 *
 * Cardinality: labels are workflow, state and resource names from deployed definitions, never ids. Each
 * label keeps at most `maxLabelValues` distinct values per process (default 100); later ones are counted
 * as "other", so a project that deploys thousands of workflows still has bounded series.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { heldReasons, jobKinds, listenerOf, poolStats, readQueueGauges, withDeadline, type PoolStats, type QueueGauges, type Sql } from '../store/index.ts';
import type { EngineMetrics, Logger } from '../shared/index.ts';

export interface EngineMetricsOptions {
  sql: Sql;
  logger: Logger;
  /** This process's worker slots (busy, total). */
  slots: () => { busy: number; total: number };
  maxLabelValues?: number;
  /** Longest the queue statement may run per scrape. */
  queryTimeoutMs?: number;
}

/** At most `max` distinct values; the rest become "other". */
function capped(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

export function createEngineMetrics(options: EngineMetricsOptions): { registry: Registry; metrics: EngineMetrics } {
  const registry = new Registry();
  const registers = [registry];
  const max = options.maxLabelValues ?? 100;
  const workflow = capped(max);
  const state = capped(max * 10);
  const resource = capped(max);
  const started = new Counter({ name: 'nightshift_executions_started_total', help: 'Executions started, by workflow', labelNames: ['workflow'], registers });
  const finished = new Counter({ name: 'nightshift_executions_finished_total', help: 'Executions ended, by workflow and status', labelNames: ['workflow', 'status'], registers });
  const states = new Histogram({ name: 'nightshift_state_duration_seconds', help: 'Time from entering a state to leaving it, by workflow and state', labelNames: ['workflow', 'state'], buckets: durationBuckets, registers });
  const tasks = new Histogram({
    name: 'nightshift_task_duration_seconds', help: 'Resource call time of one Task attempt, by workflow, state, resource and outcome',
    labelNames: ['workflow', 'state', 'resource', 'outcome'], buckets: durationBuckets, registers,
  });
  const lateness = new Histogram({ name: 'nightshift_timer_lateness_seconds', help: 'Time from a timer being due to its step job being claimed', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60], registers });
  const groups = new Histogram({ name: 'nightshift_group_commit_executions', help: 'Executions written by one step transaction', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], registers });
  queueGauges(registry, options);
  const slot = (name: string, help: string, pick: (s: { busy: number; total: number }) => number) =>
    new Gauge({ name, help, registers, collect() { this.set(pick(options.slots())); } });
  slot('nightshift_worker_slots_busy', 'Resource-call slots of this process in use', (s) => s.busy);
  poolGauges(registry, { statements: options.sql });
  listenerGauge(registry, options.sql);
  slot('nightshift_worker_slots_total', 'Resource-call slots of this process (NIGHTSHIFT_CONCURRENCY; 0 without a worker)', (s) => s.total);
  const metrics: EngineMetrics = {
    executionStarted: (w) => started.inc({ workflow: workflow(w) }),
    executionFinished: (w, status) => finished.inc({ workflow: workflow(w), status }),
    stateFinished: (w, s, seconds) => states.observe({ workflow: workflow(w), state: state(s) }, seconds),
    taskFinished: (w, s, r, outcome, seconds) => tasks.observe({ workflow: workflow(w), state: state(s), resource: resource(r), outcome }, seconds),
    timerClaimed: (seconds) => lateness.observe(seconds),
    groupCommitted: (n) => groups.observe(n),
  };
  return { registry, metrics };
}

/**
 * Connections of this process's pools, by pool (`statements`: the one pool the API and the workers of a
 * process share; LISTEN has a connection of its own, reported by nightshift_listener_connected).
 */
function poolGauges(registry: Registry, pools: Record<string, Sql>): void {
  const registers = [registry];
  const gauge = (name: string, help: string, pick: (s: PoolStats) => number) =>
    new Gauge({
      name, help, labelNames: ['pool'], registers,
      collect() {
        for (const [pool, sql] of Object.entries(pools)) this.set({ pool }, pick(poolStats(sql)));
      },
    });
  gauge('nightshift_db_pool_size', 'Connections this pool may open (statements: NIGHTSHIFT_POOL_SIZE)', (s) => s.size);
  gauge('nightshift_db_pool_connections_in_use', 'Connections of this pool running a statement or holding a transaction (docs/observability.md)', (s) => s.inUse);
  gauge('nightshift_db_pool_requests_waiting', 'Statements and transactions of this process waiting for a connection of this pool', (s) => s.waiting);
}

/** 1 while the LISTEN connection is subscribed, 0 while it is down; absent when nothing listens (LISTEN off, or not used yet). */
function listenerGauge(registry: Registry, sql: Sql): void {
  new Gauge({
    name: 'nightshift_listener_connected', help: 'Whether the LISTEN connection is subscribed (0: down, being subscribed again; workers poll)', registers: [registry],
    collect() {
      const health = listenerOf(sql)?.health();
      if (health) this.set(health.connected ? 1 : 0);
      else this.reset();
    },
  });
}

/** Gauges of the shared queue: every process reports the same values (aggregate them with max, not sum). */
function queueGauges(registry: Registry, options: EngineMetricsOptions): void {
  let cached: { at: number; value: Promise<QueueGauges | null> } | null = null;
  const read = () => {
    if (!cached || Date.now() - cached.at > 1_000) {
      const timeoutMs = options.queryTimeoutMs ?? 1_000;
      // The deadline covers the wait for a connection too: a saturated pool must not hold the scrape.
      const value = withDeadline(readQueueGauges(options.sql, new Date(), timeoutMs), timeoutMs + 500, 'the queue gauges statement').catch((error: unknown) => {
        options.logger.warn({ error: String(error) }, 'reading the queue gauges failed');
        return null;
      });
      cached = { at: Date.now(), value };
    }
    return cached.value;
  };
  const registers = [registry];
  // Every known value of the label is reported, 0 when nothing has it: an autoscaler or an alert reads
  // 0 rather than a missing series.
  const byLabel = (name: string, help: string, label: string, known: readonly string[], pick: (g: QueueGauges) => Record<string, number>) =>
    new Gauge({
      name, help, labelNames: [label], registers,
      async collect() {
        const gauges = await read();
        if (!gauges) return;
        this.reset();
        const values = { ...Object.fromEntries(known.map((k) => [k, 0])), ...pick(gauges) };
        for (const [value, n] of Object.entries(values)) this.set({ [label]: value }, n);
      },
    });
  const kinds = Object.values(jobKinds);
  const single = (name: string, help: string, pick: (g: QueueGauges) => number) =>
    new Gauge({
      name, help, registers,
      async collect() {
        const gauges = await read();
        if (gauges) this.set(pick(gauges));
      },
    });
  const readyOf = (field: 'count' | 'oldestSeconds') => (g: QueueGauges) => Object.fromEntries(Object.entries(g.ready).map(([k, v]) => [k, v[field]]));
  byLabel('nightshift_jobs_ready', 'Jobs due and not leased, by kind: the backlog to scale workers on', 'kind', kinds, readyOf('count'));
  byLabel('nightshift_jobs_oldest_ready_age_seconds', 'Age of the oldest job due and not leased, by kind (0: none)', 'kind', kinds, readyOf('oldestSeconds'));
  single('nightshift_outbox_backlog', 'Table changes captured and not yet delivered', (g) => g.outbox);
  single('nightshift_scheduled_runs_pending', 'Scheduled runs not yet started nor cancelled', (g) => g.scheduled);
  byLabel('nightshift_held_starts', 'Flow-controlled starts waiting for admission, by reason', 'reason', heldReasons, (g) => g.held);
}
