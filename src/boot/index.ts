export * from './local.ts';
export * from './engine.ts';
export { createLogger } from './logger.ts';
export { registerWorkflowResources } from './workflow-resources.ts';
