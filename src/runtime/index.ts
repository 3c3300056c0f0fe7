export { MemoryRunner, type MemoryRunnerOptions, type ExecutionResult, type StartOptions } from './memory/runner.ts';
export { DurableRuntime, type DurableRuntimeOptions } from './durable/runtime.ts';
export type { JobHandler } from './durable/worker.ts';
export { createSqlQueryInOwnTransaction, sqlFailure, sqlIdentityOf, type OwnTransactionOptions } from './sql-task.ts';
