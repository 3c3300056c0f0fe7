export * from './resource.ts';
export * from './registry.ts';
export * from './builtins.ts';
export * from './http.ts';
export * from './workflow.ts';
export * from './sql.ts';
