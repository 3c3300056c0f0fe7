export * from './validate-files.ts';
export * from './execute-once.ts';
export * from './input-schema.ts';
export { formatProblems } from '../asl/index.ts';
export * from './deps.ts';
export * from './workflows.ts';
export * from './executions.ts';
export * from './task-tokens.ts';
