/**
 * Property-based fuzzing of the HTTP API (fast-check), in process through `app.fetch` against a real
 * engine and database: generated paths (every route template with odd parameters, and random paths),
 * methods, query strings, headers (credentials good, bad and absent) and bodies (random JSON, JSON with
 * NUL and lone surrogates, non-JSON, bodies built from each route's own field names). Whatever comes in,
 * the answer is never a 500, and every error is `{error: {code, message, details}}` with a code from the
 * errors table (or ROUTE_NOT_FOUND) and the HTTP status that code maps to.
 *
 * The routes come from `/openapi.json` as the app serves it, so a new route is fuzzed without a change
 * here. The last group sends only requests that must be refused (malformed JSON, wrong types, 10 MB
 * bodies, depth 100 000, NUL and lone surrogates, SQL-looking strings with an unknown query parameter,
 * odd cursors, limits and path parameters) and checks that the stored data is the same before and after
 * (a hash of every table of the nightshift schema) and that the process still answers.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { createApp, type ApiDeps } from '../../src/api/index.ts';
import { createApiKey, createJwtVerifier } from '../../src/service/index.ts';
import { errorCodes, maxJsonDepth } from '../../src/shared/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

const secret = 'a-fuzzing-secret-of-at-least-thirty-two-characters';
/** Each request may take this long: long polls and `?wait=` are cut short by the request's signal or end fast. */
const requestTimeoutMs = 300;
/** NIGHTSHIFT_FUZZ_SCALE=20 runs twenty times as many cases (by hand; the default keeps the file under ~20 s). */
const scale = Number(process.env.NIGHTSHIFT_FUZZ_SCALE ?? 1);
/** A fixed seed: a failure in CI is the same failure on a laptop (NIGHTSHIFT_FUZZ_SEED picks another by hand). */
const seed = Number(process.env.NIGHTSHIFT_FUZZ_SEED ?? 20261207);
const statusOf: Record<string, number> = {
  ...Object.fromEntries(Object.entries(errorCodes).map(([code, { http }]) => [code, http])),
  ROUTE_NOT_FOUND: 404,
};

let engine: TestEngine;
let app: ReturnType<typeof createApp>;
const credentials: string[] = [];

const catalog = createApp({} as ApiDeps);
const document = (await (await catalog.request('/openapi.json')).json()) as {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any> };
};
const templates = Object.keys(document.paths);
const queryNames = [...new Set(Object.values(document.paths).flatMap((ops) => Object.values(ops).flatMap(
  (op: any) => (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name as string),
)))].filter((name) => name !== 'wait');

/** The field names of a route's body schema, resolving one level of $ref. */
function bodyFields(operation: any): string[] {
  let schema = operation?.requestBody?.content?.['application/json']?.schema;
  if (schema?.$ref) schema = document.components.schemas[schema.$ref.split('/').pop()];
  return Object.keys(schema?.properties ?? {});
}

// ---- arbitraries ---------------------------------------------------------------------------------

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

const safeEncode = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
};

const segment = fc.oneof(
  fc.constantFrom('quick', 'keyed', 'members', 'x', '00000000-0000-4000-8000-000000000000', '..', '%', '%00', '%E0%A4%A', '%2F', '%uD800', 'a%20b', '💥', 'x'.repeat(300)),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(safeEncode),
  fc.string({ unit: 'binary', maxLength: 12 }).map(safeEncode),
  printable,
);

const path = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...templates), fc.array(segment, { minLength: 3, maxLength: 3 }))
    .map(([template, values]) => { let i = 0; return template.replace(/\{\w+\}/g, () => values[i++ % values.length]); }) },
  { weight: 1, arbitrary: fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`) },
  { weight: 1, arbitrary: fc.webPath() },
);

/** Cursors shaped like the API's own (base64url of `<time>|<id>`), with odd times and ids. */
const cursor = fc.tuple(fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), printable), fc.oneof(fc.uuid(), printable))
  .map(([at, id]) => Buffer.from(`${at}|${id}`).toString('base64url'));
const queryValue = fc.oneof(
  fc.constantFrom('0', '1', '-1', '5', '1e309', 'NaN', 'RUNNING', 'quick', ''), printable, cursor,
  fc.string({ unit: 'binary', maxLength: 10 }).map(safeEncode),
);
const query = fc.array(fc.tuple(fc.constantFrom(...queryNames, 'unexpected', 'wait'), queryValue), { maxLength: 3 })
  .map((pairs) => pairs.map(([k, v]) => (k === 'wait' ? `wait=${Number(v) >= 0 && Number(v) <= 1 ? v : '0'}` : `${k}=${v}`)).join('&'));

const method = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS');

const jsonValue = fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 });
const body = fc.oneof(
  fc.constant(undefined),
  jsonValue.map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('{', '[]', 'null', '""', '{"output":', '{"a":"\\u0000"}', '{"a":"\\ud800"}', '1e99999', '{"__proto__":{"x":1}}'),
);

// ---- one request ---------------------------------------------------------------------------------

interface Probe {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** The request must be refused (a 4xx): the refusal group's requests. */
  refused?: boolean;
}

async function probe(p: Probe): Promise<void> {
  let request: Request;
  try {
    const hasBody = p.body !== undefined && !['GET', 'HEAD'].includes(p.method);
    request = new Request(`http://localhost${p.url.startsWith('/') ? '' : '/'}${p.url}`, {
      method: p.method, headers: p.headers, body: hasBody ? p.body : undefined, signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch {
    return; // Not a request a client could send (fetch refuses it too).
  }
  const response = await app.fetch(request);
  const text = await response.text();
  const where = `${p.method} ${p.url} ${JSON.stringify(p.headers)} ${JSON.stringify(p.body)?.slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`;
  assert.ok(response.status < 500, `never a 5xx: ${where}`);
  if (p.refused) assert.ok(response.status >= 400, `refused: ${where}`);
  if (response.status < 400) return;
  if (response.status === 413 && p.body !== undefined && p.body.length > 1024 * 1024) return; // cut off before routing
  const parsed = JSON.parse(text) as { error: { code: string; message: string; details: unknown } };
  assert.ok(parsed.error.code in statusOf, `a known code: ${where}`);
  assert.equal(response.status, statusOf[parsed.error.code], `the status of its code: ${where}`);
  assert.equal(typeof parsed.error.message, 'string');
  assert.ok('details' in parsed.error);
}

before(async () => {
  engine = await createTestEngine();
  const pass = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };
  await engine.deploy({ name: 'quick', auth: 'public', definition: pass }, 'quick');
  await engine.deploy({ name: 'keyed', definition: pass }, 'keyed');
  await engine.deploy({ name: 'members', auth: 'jwt', parameters: { type: 'object', required: ['id'] }, definition: pass }, 'members');
  credentials.push((await createApiKey(engine.deps, { role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true })).key);
  credentials.push((await createApiKey(engine.deps, { role: 'authenticated', scopes: ['read', 'start:quick'] })).key);
  credentials.push(await new SignJWT({ sub: 'fuzz' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(secret)));
  app = createApp({ ...engine.deps, auth: { jwt: createJwtVerifier({ secret, jwksUrl: null, issuer: null, audience: null }) } });
});

after(async () => {
  await engine?.close();
});

describe('the HTTP API under fuzzing', () => {
  it('answers arbitrary paths, methods, queries, headers and bodies without a 500, always with a known error code', async () => {
    const authorization = fc.oneof(
      fc.constant(undefined),
      { weight: 4, arbitrary: fc.constantFrom(...credentials).map((c) => `Bearer ${c}`) },
      fc.constantFrom('Bearer', 'Bearer ', 'Basic abc', 'Bearer ns_', 'Bearer ns_000000000000_x', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.e30.'),
      printable.map((s) => `Bearer ${s}`),
      printable,
    );
    const headers = fc.record({
      Authorization: authorization,
      'X-Api-Key': fc.option(fc.oneof(fc.constantFrom(...credentials), printable), { nil: undefined }),
      'Idempotency-Key': fc.option(printable, { nil: undefined }),
      'Content-Type': fc.option(fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'), { nil: undefined }),
    }, { requiredKeys: [] }).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);
    await fc.assert(
      fc.asyncProperty(method, path, query, headers, body, async (m, p, q, h, b) => probe({ method: m, url: q ? `${p}?${q}` : p, headers: h, body: b })),
      { numRuns: 400 * scale, seed },
    );
  });

  it('answers requests built from each route\'s own parameters and body fields, with an admin key, without a 500', async () => {
    const routes = Object.entries(document.paths).flatMap(([template, ops]) =>
      Object.entries(ops).map(([m, op]) => ({
        template, method: m.toUpperCase(), hasBody: Boolean(op.requestBody), fields: bodyFields(op),
        query: (op.parameters ?? []).filter((p: any) => p.in === 'query' && p.name !== 'wait').map((p: any) => p.name as string),
      })));
    const value = fc.oneof(jsonValue, sqlLike, fc.constantFrom('quick', 'keyed', 'members', '0 9 * * MON', '15m', 'Europe/Paris', 'States.TaskFailed', 1, 0, -1, 1e21, true, null, [], {}));
    const request = fc.constantFrom(...routes).chain((r) =>
      fc.record({
        route: fc.constant(r),
        param: segment,
        query: fc.dictionary(fc.constantFrom(...r.query, 'unexpected'), queryValue, { maxKeys: r.query.length > 0 ? 3 : 0 }),
        body: fc.dictionary(fc.constantFrom(...r.fields, 'extra'), value, { maxKeys: 5 }),
      }));
    await fc.assert(
      fc.asyncProperty(request, async ({ route: r, param, query: q, body: b }) => {
        const search = Object.entries(q).map(([k, v]) => `${k}=${v}`).join('&');
        const url = `${r.template.replace(/\{\w+\}/g, () => param)}${search ? `?${search}` : ''}`;
        const headers = { Authorization: `Bearer ${credentials[0]}`, 'Content-Type': 'application/json' };
        await probe({ method: r.method, url, headers, body: r.hasBody ? JSON.stringify(b) : undefined });
      }),
      { numRuns: 400 * scale, seed },
    );
  });
});

// ---- requests that must be refused, and the data they must leave alone -----------------------------

/**
 * One hash per table of the nightshift schema: every row, in a stable order. Bookkeeping that moves with
 * time alone is left out: `api_keys.last_used_at` (the guard's, at most once a minute per key) and a
 * worker's renewal (`workers.seen_at`, `expires_at`), which a slow run crosses.
 */
const clockColumns = "array['last_used_at', 'seen_at', 'expires_at']";
async function storedData(): Promise<Record<string, string>> {
  const tables = await engine.db.sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'nightshift' and table_type = 'BASE TABLE' order by 1`;
  const hashes: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await engine.db.sql.unsafe<{ hash: string | null }[]>(
      `select md5(string_agg((to_jsonb(t) - ${clockColumns})::text, ',' order by (to_jsonb(t) - ${clockColumns})::text)) as hash from nightshift.${name} t`,
    );
    hashes[name] = row.hash ?? 'empty';
  }
  return hashes;
}

const sqlLike = fc.constantFrom("'; drop table nightshift.executions; --", "' or '1'='1", '1; select pg_sleep(10)', '$$; delete from nightshift.workflows; $$', 'quick\'--', '") or 1=1 --', '%', '_', '\\');
/** A value of another type than the field's schema asks for, or a hostile string. */
const wrongValue = fc.oneof(sqlLike, fc.constantFrom(-1, 0, 1e308, -0, 1.5, true, null, [], {}, [1, 'a'], { $ref: '#' }, 'x'.repeat(5000), '\u0000', '\ud800'), fc.string({ unit: 'binary', maxLength: 20 }));
const oddParam = fc.oneof(sqlLike.map(safeEncode), segment);
const oddQuery = fc.oneof(fc.constantFrom('limit=0', 'limit=-1', 'limit=1e9', 'limit=abc', 'cursor=', 'cursor=%00', 'cursor=AAAA', 'limit=99999999999999999999'), cursor.map((c) => `cursor=${c}`), printable.map((v) => `cursor=${safeEncode(v)}`));

describe('requests that must be refused', () => {
  const routes = Object.entries(document.paths).flatMap(([template, ops]) =>
    Object.entries(ops).map(([m, op]) => ({ template, method: m.toUpperCase(), hasBody: Boolean(op.requestBody), fields: bodyFields(op) })));
  const bodyRoutes = routes.filter((r) => r.hasBody);
  const headers = () => ({ Authorization: `Bearer ${credentials[0]}`, 'Content-Type': 'application/json' });
  const urlOf = (template: string, param: string, query = '') => `${template.replace('{name}', 'quick').replace(/\{\w+\}/g, param)}${query ? `?${query}` : ''}`;
  let before: Record<string, string>;

  it('leaves the stored data as it was (a hash of every table, taken before)', async () => {
    before = await storedData();
    assert.ok(Object.keys(before).length > 10);
  });

  it('refuses bodies that are not JSON, too large or too deep, on every route with a body', { timeout: 120_000 }, async () => {
    const big = `{"input": "${'x'.repeat(10 * 1024 * 1024)}"}`;
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const atLimit = `${'['.repeat(maxJsonDepth + 1)}${']'.repeat(maxJsonDepth + 1)}`;
    for (const r of bodyRoutes) {
      for (const body of [big, deep, atLimit, '{', '{"a":1,}', '\u0000', '{"a":"\\ud800"}', '{"__proto__": {"admin": true}, "a": "\\u0000"}']) {
        await probe({ method: r.method, url: urlOf(r.template, '00000000-0000-4000-8000-000000000000'), headers: headers(), body, refused: true });
      }
    }
  });

  it('refuses wrong types and SQL-looking strings in every body field, with odd path parameters, cursors and limits', async () => {
    const request = fc.constantFrom(...routes).chain((r) => fc.record({
      route: fc.constant(r),
      param: oddParam,
      query: oddQuery,
      body: fc.dictionary(fc.constantFrom(...r.fields, 'extra'), wrongValue, { minKeys: 1, maxKeys: Math.max(1, r.fields.length) }),
    }));
    await fc.assert(
      fc.asyncProperty(request, async ({ route: r, param, query: q, body: b }) => {
        // `unexpected` is refused by every route, so none of these requests may change anything.
        await probe({ method: r.method, url: urlOf(r.template, param, `${q}&unexpected=${safeEncode(String(b[Object.keys(b)[0]]))}`), headers: headers(), body: r.hasBody ? JSON.stringify(b) : undefined, refused: true });
      }),
      { numRuns: 300 * scale, seed },
    );
  });

  it('changed nothing stored, and the process still answers', async () => {
    assert.deepEqual(await storedData(), before);
    const health = await app.fetch(new Request('http://localhost/healthz'));
    assert.equal(health.status, 200);
  });
});
