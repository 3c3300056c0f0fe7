export { createApp, type ApiDeps } from './app.ts';
export type { Readiness, ReadinessCheck } from './deps.ts';
export { createOpsApp, type OpsAppOptions } from './ops.ts';
export { listen, type ListeningServer } from './server.ts';
export { nodeListener, type NodeListener } from './node-handler.ts';
