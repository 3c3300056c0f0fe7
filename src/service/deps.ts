/** What the service verbs are given by boot: the database, the runtime, the clock. */
import type { StepEvent } from '../core/index.ts';
import type { ExecutionRow, NewExecution, Queryable, Sql } from '../store/index.ts';
import type { Clock, Limits } from '../shared/index.ts';
import type { TransientRunner } from './execute-once.ts';
import type { ExecutionView } from './executions.ts';

/** The durable runtime as the service sees it (boot passes runtime's DurableRuntime). */
export interface ExecutionRuntime {
  /** Inserts and first-steps executions in the caller's transaction (only startExecutions calls it); `afterCommit` wakes workers. */
  startInTransaction(tx: Queryable, executions: readonly NewExecution[]): Promise<{ created: ExecutionRow[]; afterCommit(): void }>;
  /**
   * Inserts and first-steps executions with one statement outside any transaction, when no first step
   * writes another row (null otherwise); only those whose version is still current (the others are `stale`).
   */
  startAtOnce(executions: readonly NewExecution[]): Promise<{ created: ExecutionRow[]; stale: Set<string>; afterCommit(): void } | null>;
  deliverNow(executionId: string, event: StepEvent): Promise<{ status: string; ignored: boolean }>;
  enqueueEvent(executionId: string, event: StepEvent): Promise<void>;
}

export interface ServiceDeps {
  sql: Sql;
  runtime: ExecutionRuntime;
  clock: Clock;
  /** Runs `mode: transient` executions in memory. */
  transient?: TransientRunner;
  /** Transient executions running in this process, by id: visible until their row is written at the end. */
  transientRuns?: Map<string, { view: ExecutionView; done: Promise<unknown> }>;
  /** nightshift.yaml `limits:` (page sizes, list length, chain depth and budget, key start rate); absent ones have their defaults (shared/limits.ts). */
  limits?: Partial<Limits>;
  /** nightshift.yaml `roles:`: the Postgres roles JWTs, keys and triggers may act as; absent: anon and authenticated (service/roles.ts). */
  roles?: readonly string[];
}
