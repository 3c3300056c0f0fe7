/** Serves a Hono app over node:http until closed. */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { EngineError } from '../shared/index.ts';

export interface ListeningServer {
  url: string;
  port: number;
  /**
   * Stops accepting connections and resolves once the open requests are answered; with `graceMs`,
   * requests still open then (a long `?wait=`) have their connections closed.
   */
  close(graceMs?: number): Promise<void>;
}

/** `port: 0` picks a free port; the host defaults to loopback so nothing is exposed by accident. */
export function listen(app: Hono, options: { port: number; host?: string }): Promise<ListeningServer> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: host }, (info: AddressInfo) => {
      server.off('error', refused);
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({ url: `http://${urlHost}:${info.port}`, port: info.port, close: (graceMs) => close(server as Server, graceMs) });
    });
    const refused = (error: NodeJS.ErrnoException) => reject(bindError(error, options.port, host));
    server.once('error', refused);
  });
}

/** A port taken or not allowed says so, as an engine error (PORT_IN_USE, CONFIG_INVALID); anything else as it is. */
function bindError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  if (error.code === 'EADDRINUSE') return new EngineError('PORT_IN_USE', `port ${port} on ${host} is already in use`, { cause: error });
  if (error.code === 'EACCES') return new EngineError('CONFIG_INVALID', `listening on port ${port} on ${host} is not permitted (a port below 1024 needs privileges)`, { cause: error });
  if (error.code === 'EADDRNOTAVAIL') return new EngineError('CONFIG_INVALID', `${host} is not an address of this machine (NIGHTSHIFT_HOST)`, { cause: error });
  return error;
}

function close(server: Server, graceMs?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = graceMs === undefined ? undefined : setTimeout(() => server.closeAllConnections(), graceMs);
    server.close((error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    });
    // Keep-alive connections with no request in flight would otherwise hold close() open.
    server.closeIdleConnections();
  });
}
