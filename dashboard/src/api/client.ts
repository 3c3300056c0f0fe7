/**
 * The dashboard's only way to the engine: JSON over the HTTP API under /v1, on the origin that served
 * the page, with the session cookie (same origin), or a key as `Authorization: Bearer` while signing in. Errors come back as ApiError with the
 * API's stable code.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

function urlOf(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) return new ApiError(response.status, body.error.code, body.error.message ?? body.error.code, body.error.details ?? null);
  } catch {
    // Not the API's JSON error: a proxy or a crash answered.
  }
  return new ApiError(response.status, 'HTTP_ERROR', `The server answered ${response.status} ${response.statusText}`);
}

/**
 * `key` absent: no Authorization header, the session cookie speaks. `onUnauthorized` runs on any 401, so
 * a session that ends while the dashboard is open (expired, signed out, key revoked) signs the user out.
 */
export function createClient(key: string | null = null, onUnauthorized: (error: ApiError) => void = () => {}): ApiClient {
  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (key !== null) headers.Authorization = `Bearer ${key}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(urlOf(path, options.query), {
        method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The Nightshift server cannot be reached. Is it running?');
    }
    if (!response.ok) {
      const error = await errorOf(response);
      if (error.status === 401) onUnauthorized(error);
      throw error;
    }
    return (await response.json()) as T;
  }
  return {
    get: (path, query) => request('GET', path, { query }),
    post: (path, body, headers) => request('POST', path, { body, headers }),
    delete: (path) => request('DELETE', path),
  };
}
