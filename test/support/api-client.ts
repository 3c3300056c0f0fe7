/** An HTTP client for tests: calls a served API with a key. */

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
