/**
 * What the commands that read or change the database share: an engine without workers for one call,
 * or, with NIGHTSHIFT_URL set, the same call through the server's HTTP API (no database access).
 * Both paths answer the same views, so a command prints the same either way.
 */
import { createEngine, loadConfig, projectDirFor, remoteServer, engineError, sharedModule } from './verbs.ts';
import type { Engine } from '../boot/index.ts';

type EngineDeps = Engine['deps'];
import type { ErrorCode } from '../shared/index.ts';

/** Opens the project's engine (the --dir given, else the nearest project upwards; projectDirFor), runs `work`, and closes it. */
export async function withEngine<T>(dir: string | undefined, work: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await createEngine({ config: loadConfig({ projectDir: projectDirFor(dir) }), workers: false });
  try {
    return await work(engine);
  } finally {
    await engine.stop();
  }
}

/** One API request: the route path (ids already in it), query parameters (undefined ones left out), a JSON body, headers. */
export interface ApiCall {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string | undefined>;
}

const segment = encodeURIComponent;
export { segment };

async function request(server: { url: string; key: string | null }, call: ApiCall): Promise<{ status: number; body: unknown }> {
  const url = new URL(server.url + call.path);
  for (const [name, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(call.headers ?? {})) if (value !== undefined) headers[name] = value;
  if (server.key) headers.authorization = `Bearer ${server.key}`;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method: call.method, headers, body: call.body === undefined ? undefined : JSON.stringify(call.body) }).catch((e: unknown) => {
    throw engineError('UNAVAILABLE', `Cannot reach NIGHTSHIFT_URL ${server.url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    throw engineError('UNAVAILABLE', `${server.url} answered ${response.status} with something other than JSON: is NIGHTSHIFT_URL a Nightshift server?`);
  }
  if (response.ok) return { status: response.status, body };
  const failure = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  const code = failure?.code && failure.code in sharedModule().errorCodes ? (failure.code as ErrorCode) : 'INTERNAL';
  throw engineError(code, failure?.message ?? `${server.url} answered HTTP ${response.status}`, failure?.details === undefined ? {} : { details: failure.details });
}

/**
 * Runs a service verb: through the API when NIGHTSHIFT_URL is set (`remote` says the request and,
 * when the API wraps it, how to unwrap the answer), else against the project's database.
 */
export async function viaEngineOrApi<T>(dir: string | undefined, local: (deps: EngineDeps) => Promise<T>, remote: ApiCall & { answer?: (body: unknown, status: number) => T }): Promise<T> {
  const server = remoteServer();
  if (!server) return withEngine(dir, (engine) => local(engine.deps));
  const { status, body } = await request(server, remote);
  return remote.answer ? remote.answer(body, status) : (body as T);
}
