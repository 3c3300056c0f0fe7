export * from './validate-files.ts';
export * from './execute-once.ts';
export * from './input-schema.ts';
export { formatProblems } from '../asl/index.ts';
