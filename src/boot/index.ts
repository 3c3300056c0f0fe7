export * from './local.ts';
export * from './engine.ts';
export { createLogger } from './logger.ts';
export { registerWorkflowResources } from './workflow-resources.ts';
export { createReadiness, type ReadinessProbe } from './readiness.ts';
export { registerHandlersModule } from './handlers-module.ts';
