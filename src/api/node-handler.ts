/**
 * The HTTP API as a Node `(req, res)` listener, for apps built on node:http, Express or Fastify's raw
 * server. Express strips the mount path from `req.url` itself (`app.use('/jobs', handler)`); a plain
 * node:http server does not, so `basePath` strips it here. Node's global Request and Response are
 * left alone (the adapter's faster classes replace them by default, which an embedding app did not ask for).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';

export type NodeListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

export function nodeListener(fetch: (request: Request) => Response | Promise<Response>, options: { basePath?: string } = {}): NodeListener {
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const listener = getRequestListener(fetch, { overrideGlobalObjects: false });
  return (req, res, next) => {
    const url = req.url ?? '/';
    if (base !== '' && (url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`))) {
      req.url = url.slice(base.length) || '/';
      if (req.url.startsWith('?')) req.url = `/${req.url}`;
    }
    listener(req, res).catch((error: unknown) => {
      if (next) next(error);
      else if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
}
