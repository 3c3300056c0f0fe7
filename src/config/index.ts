export * from './config.ts';
export * from './integrations.ts';
export * from './secrets.ts';
export * from './project.ts';
