/** An HTTP client for tests: calls a served API with a key; serves an engine's API with an admin key. */
import { createApp, listen, type ApiDeps } from '../../src/api/index.ts';
import { createApiKey } from '../../src/service/index.ts';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export type Call = (method: string, path: string, json?: unknown, headers?: Record<string, string>) => Promise<Reply>;

/** Calls `baseUrl` with `Authorization: Bearer <key>`; the body is parsed when it is JSON. */
export function apiClient(baseUrl: string, key: string): Call {
  return async (method, path, json, headers = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(json === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, headers: response.headers, body };
  };
}

/** A base64url cursor as the API shapes them (`<time>|<id>`), for tests that forge odd ones. */
export const forgedCursor = (text: string) => Buffer.from(text).toString('base64url');

/** Serves the API of `deps` on a free loopback port and answers a client holding a new admin key. */
export async function serveAdminApi(deps: ApiDeps): Promise<{ call: Call; close(): Promise<void> }> {
  const { key } = await createApiKey(deps, { name: 'test admin', role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true });
  const server = await listen(createApp(deps), { port: 0, host: '127.0.0.1' });
  return { call: apiClient(server.url, key), close: () => server.close() };
}
