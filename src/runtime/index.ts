export { MemoryRunner, type MemoryRunnerOptions, type ExecutionResult, type StartOptions } from './memory/runner.ts';
