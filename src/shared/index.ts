export * from './json.ts';
export * from './errors.ts';
export * from './clock.ts';
export * from './logger.ts';
export * from './limits.ts';
export * from './ids.ts';
export * from './metrics.ts';
export * from './tracing.ts';
