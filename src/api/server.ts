/** Serves a Hono app over node:http until closed. */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

export interface ListeningServer {
  url: string;
  port: number;
  /** Stops accepting connections and resolves once the open requests are answered. */
  close(): Promise<void>;
}

/** `port: 0` picks a free port; the host defaults to loopback so nothing is exposed by accident. */
export function listen(app: Hono, options: { port: number; host?: string }): Promise<ListeningServer> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: host }, (info: AddressInfo) => {
      server.off('error', reject);
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({ url: `http://${urlHost}:${info.port}`, port: info.port, close: () => close(server as Server) });
    });
    server.once('error', reject);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections with no request in flight would otherwise hold close() open.
    server.closeIdleConnections();
  });
}
