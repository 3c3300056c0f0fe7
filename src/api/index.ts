export { createApp, type ApiDeps } from './app.ts';
export { listen, type ListeningServer } from './server.ts';
export { nodeListener, type NodeListener } from './node-handler.ts';
