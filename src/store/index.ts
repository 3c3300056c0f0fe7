export { canListen, connect, listenerOf, ping, PostgresError } from './connection.ts';
export type { ListenerHealth, SupervisedListener } from './listener.ts';
export type { ConnectOptions, Queryable, Sql, TransactionSql } from './connection.ts';
export { poolStats, type PoolStats } from './pool-stats.ts';
export { databaseAddress, databaseRetryAfterSeconds, databaseUnavailable, isDatabaseUnreachable, waitForDatabase } from './unreachable.ts';
export type { WaitForDatabaseOptions } from './unreachable.ts';
export { embeddedBinariesDir, startEmbeddedPostgres } from './embedded-server.ts';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded-server.ts';
export { migrate, readMigrationFiles, schemaProblem } from './migrate.ts';
export type { MigrateOptions, MigrationFile } from './migrate.ts';
export {
  claimDueJobs,
  completeJobs,
  enqueueJobs,
  extendLeases,
  jobsChannel,
  listenForJobs,
  nextDueAt,
  notifyJobsAvailable,
  releaseJobs,
  servedResources,
} from './jobs.ts';
export type { ClaimedJob, ClaimOptions, LeasedJobIds, NewJob, ServedResources } from './jobs.ts';
export * from './workers.ts';
export { deleteJobsByKey, holdsJob } from './jobs.ts';
export * from './workflows.ts';
export * from './executions.ts';
export * from './started-executions.ts';
export * from './unlocked-steps.ts';
export * from './history.ts';
export * from './task-tokens.ts';
export * from './identity-sql.ts';
export * from './schedules.ts';
export * from './activities.ts';
export * from './api-keys.ts';
export * from './sessions.ts';
export * from './table-triggers.ts';
export * from './scheduled-runs.ts';
export * from './scheduler.ts';
export * from './chains.ts';
export * from './scheduled-run-jobs.ts';
export * from './scheduled-batches.ts';
export * from './scheduled-retention.ts';
export * from './flow-waits.ts';
export * from './held-starts.ts';
export * from './rate-buckets.ts';
export * from './stop-tree.ts';
export { createListenerProbe, readinessChannel, withDeadline } from './readiness.ts';
export type { ListenerProbe } from './readiness.ts';
export { heldReasons, readQueueGauges } from './gauges.ts';
export type { QueueGauges } from './gauges.ts';
export * from './job-kinds.ts';
