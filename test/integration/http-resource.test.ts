/**
 * http:invoke and its AWS alias against a real HTTP server on 127.0.0.1. Every request this file makes goes
 * to 127.0.0.1: fetch is wrapped so that any other destination fails in the test instead of leaving the
 * machine, and host names are resolved by injected lookups.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAwsHttpResource, createHttpResource, type HttpResourceOptions } from '../../src/resources/http.ts';
import type { ResourceHandler } from '../../src/resources/index.ts';
import { EngineError, type Json, type JsonObject } from '../../src/shared/index.ts';
import { makeContext, resourceContract } from '../support/resource-contract.ts';
import { taskFailure } from '../support/task-failure.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface Peer {
  base: string;
  seen: Seen[];
  /** Requests whose connection closed before an answer (an aborted call). */
  dropped: number;
  close(): Promise<void>;
}

type Route = (request: IncomingMessage, response: ServerResponse, url: URL, peer: Peer) => void;

const routes: Record<string, Route> = {
  '/echo': (request, response, _url, peer) => json(response, 200, peer.seen.at(-1) as unknown as Json),
  '/text': (_request, response) => send(response, 200, 'text/plain; charset=utf-8', 'hello there'),
  '/problem': (_request, response) => send(response, 200, 'application/problem+json', '{"title":"odd"}'),
  '/broken-json': (_request, response) => send(response, 200, 'application/json', '{not json'),
  '/empty': (_request, response) => response.writeHead(204).end(),
  '/missing': (_request, response) => send(response, 404, 'text/plain', 'no such thing'),
  '/fail': (_request, response) => json(response, 500, { message: 'database down' }),
  // 'a' first, so that byte 1024 falls inside a two-byte 'é'.
  '/huge-error': (_request, response) => send(response, 502, 'text/plain', `a${'é'.repeat(3000)}`),
  '/big': (_request, response, url) => send(response, 200, 'text/plain', 'x'.repeat(Number(url.searchParams.get('bytes')))),
  '/big-chunked': (_request, response, url) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = 'y'.repeat(1000);
    for (let sent = 0; sent < Number(url.searchParams.get('bytes')); sent += chunk.length) response.write(chunk);
    response.end();
  },
  '/hang': (request, _response, _url, peer) => {
    request.socket.once('close', () => peer.dropped++);
  },
  '/redirect': (_request, response, url) => {
    const left = Number(url.searchParams.get('n'));
    const status = Number(url.searchParams.get('status') ?? 302);
    response.writeHead(status, { location: left > 1 ? `/redirect?n=${left - 1}&status=${status}` : '/echo' }).end();
  },
  '/to': (_request, response, url) => response.writeHead(307, { location: url.searchParams.get('location') ?? '/' }).end(),
};

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
}

function json(response: ServerResponse, status: number, value: Json): void {
  send(response, status, 'application/json', JSON.stringify(value));
}

async function startPeer(): Promise<Peer> {
  const peer: Peer = { base: '', seen: [], dropped: 0, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', peer.base);
      const body = Buffer.concat(chunks).toString();
      peer.seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const route = routes[url.pathname];
      if (route) route(request, response, url, peer);
      else send(response, 404, 'text/plain', 'unknown route');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The policy of `dev` and `execute`: the test peers are on 127.0.0.1. */
const local: HttpResourceOptions = { allowPrivateNetworks: true };

function object(value: Json): JsonObject {
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value));
  return value as JsonObject;
}

resourceContract('http:invoke', async () => {
  const peer = await startPeer();
  return {
    handler: createHttpResource(local),
    validInput: { url: `${peer.base}/echo`, query: { a: '1' } },
    failingInput: { url: `${peer.base}/missing` },
    expectedError: 'States.Http.StatusCode.404',
    slowInput: { url: `${peer.base}/hang` },
    effects: () => peer.seen.length,
    close: () => peer.close(),
  };
});

resourceContract('arn:aws:states:::http:invoke', async () => {
  const peer = await startPeer();
  return {
    handler: createAwsHttpResource(local),
    validInput: { ApiEndpoint: `${peer.base}/echo`, Method: 'GET' },
    failingInput: { ApiEndpoint: `${peer.base}/fail`, Method: 'POST', RequestBody: { a: 1 } },
    expectedError: 'States.Http.StatusCode.500',
    slowInput: { ApiEndpoint: `${peer.base}/hang`, Method: 'GET' },
    effects: () => peer.seen.length,
    close: () => peer.close(),
  };
});

describe('http:invoke', () => {
  let peer: Peer;
  const http = createHttpResource(local);
  const call = (input: Json, handler: ResourceHandler = http) => handler(input, makeContext());
  before(async () => {
    peer = await startPeer();
  });
  after(() => peer.close());

  describe('requests', () => {
    it('sends GET by default with the query object appended, arrays repeated', async () => {
      await call({ url: `${peer.base}/echo?keep=1`, query: { q: 'a b', tag: ['x', 'y'], n: 3, on: true, skipped: null } });
      const seen = peer.seen.at(-1);
      assert.equal(seen?.method, 'GET');
      assert.equal(seen?.url, '/echo?keep=1&q=a+b&tag=x&tag=y&n=3&on=true');
    });

    it('sends an object body as JSON with content-type application/json', async () => {
      await call({ url: `${peer.base}/echo`, method: 'post', body: { name: 'Ada', tags: [1, 2] } });
      const seen = peer.seen.at(-1);
      assert.equal(seen?.method, 'POST');
      assert.equal(seen?.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(seen?.body ?? ''), { name: 'Ada', tags: [1, 2] });
    });

    it('sends a string body as it is, with the caller’s content-type', async () => {
      await call({ url: `${peer.base}/echo`, method: 'PUT', headers: { 'Content-Type': 'text/csv' }, body: 'a,b\n1,2' });
      const seen = peer.seen.at(-1);
      assert.equal(seen?.headers['content-type'], 'text/csv');
      assert.equal(seen?.body, 'a,b\n1,2');
    });

    it('passes the given headers', async () => {
      await call({ url: `${peer.base}/echo`, headers: { 'X-Trace': 'abc', Authorization: 'Bearer token', 'X-Count': 3 } });
      const headers = peer.seen.at(-1)?.headers;
      assert.equal(headers?.['x-trace'], 'abc');
      assert.equal(headers?.authorization, 'Bearer token');
      assert.equal(headers?.['x-count'], '3');
    });

    it('sends the idempotency key on unsafe methods only, and keeps one the caller set', async () => {
      const context = makeContext({ executionId: 'exec-7', stateName: 'Charge', attempt: 2 });
      await http({ url: `${peer.base}/echo`, method: 'POST', body: {} }, context);
      assert.equal(peer.seen.at(-1)?.headers['idempotency-key'], 'exec-7:Charge:2');
      await http({ url: `${peer.base}/echo`, method: 'DELETE' }, context);
      assert.equal(peer.seen.at(-1)?.headers['idempotency-key'], 'exec-7:Charge:2');
      await http({ url: `${peer.base}/echo` }, context);
      assert.equal(peer.seen.at(-1)?.headers['idempotency-key'], undefined);
      await http({ url: `${peer.base}/echo`, method: 'POST', headers: { 'idempotency-key': 'mine' } }, context);
      assert.equal(peer.seen.at(-1)?.headers['idempotency-key'], 'mine');
      await createHttpResource({ ...local, idempotencyHeader: false })({ url: `${peer.base}/echo`, method: 'POST' }, context);
      assert.equal(peer.seen.at(-1)?.headers['idempotency-key'], undefined);
    });
  });

  describe('responses', () => {
    it('answers status, lower-case headers and the parsed JSON body', async () => {
      const result = object(await call({ url: `${peer.base}/echo` }));
      assert.equal(result.status, 200);
      assert.equal(object(result.headers)['content-type'], 'application/json');
      assert.equal(object(result.body).method, 'GET');
    });

    it('parses +json media types and keeps text as text', async () => {
      assert.deepEqual(object(await call({ url: `${peer.base}/problem` })).body, { title: 'odd' });
      assert.equal(object(await call({ url: `${peer.base}/text` })).body, 'hello there');
      assert.equal(object(await call({ url: `${peer.base}/broken-json` })).body, '{not json');
    });

    it('answers null for an empty body', async () => {
      const result = object(await call({ url: `${peer.base}/empty`, method: 'DELETE' }));
      assert.equal(result.status, 204);
      assert.equal(result.body, null);
    });
  });

  describe('failures', () => {
    it('fails a 404 with States.Http.StatusCode.404 and a cause holding status and body', async () => {
      const thrown = await taskFailure(call({ url: `${peer.base}/missing?token=hidden` }));
      assert.equal(thrown.error, 'States.Http.StatusCode.404');
      const cause = JSON.parse(thrown.causeText ?? '');
      assert.deepEqual(cause, { method: 'GET', url: `${peer.base}/missing`, status: 404, statusText: 'Not Found', body: 'no such thing' });
      assert.ok(!thrown.message.includes('hidden'), 'the query string stays out of the cause');
    });

    it('fails a 500 with States.Http.StatusCode.500', async () => {
      const thrown = await taskFailure(call({ url: `${peer.base}/fail`, method: 'POST', body: { a: 1 } }));
      assert.equal(thrown.error, 'States.Http.StatusCode.500');
      assert.equal(JSON.parse(JSON.parse(thrown.causeText ?? '').body).message, 'database down');
    });

    it('truncates the body in the cause to 1 KiB without splitting a character', async () => {
      const thrown = await taskFailure(call({ url: `${peer.base}/huge-error` }));
      const cause = JSON.parse(thrown.causeText ?? '');
      assert.equal(cause.truncated, true);
      assert.equal(Buffer.byteLength(cause.body), 1023);
      assert.ok(!cause.body.includes('\uFFFD'));
    });

    it('fails with States.Http.Socket when the connection is refused', async () => {
      const thrown = await taskFailure(call({ url: `http://127.0.0.1:${await closedPort()}/` }));
      assert.equal(thrown.error, 'States.Http.Socket');
      assert.match(thrown.causeText ?? '', /ECONNREFUSED/);
    });

    it('fails with States.Http.Socket when the host name does not resolve', async () => {
      const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
      const handler = createHttpResource({ ...local, lookup: () => Promise.reject(notFound) });
      const thrown = await taskFailure(call({ url: 'http://nowhere.test/' }, handler));
      assert.equal(thrown.error, 'States.Http.Socket');
      assert.match(thrown.causeText ?? '', /ENOTFOUND/);
    });

    it('fails with States.Timeout after timeoutSeconds', async () => {
      const started = Date.now();
      const thrown = await taskFailure(call({ url: `${peer.base}/hang`, timeoutSeconds: 0.2 }));
      assert.equal(thrown.error, 'States.Timeout');
      assert.ok(Date.now() - started < 2000);
    });

    it('cancels the request when the signal is aborted', async () => {
      const controller = new AbortController();
      const dropped = peer.dropped;
      const pending = taskFailure(http({ url: `${peer.base}/hang` }, makeContext({ signal: controller.signal })));
      await waitFor(() => peer.seen.at(-1)?.url === '/hang');
      controller.abort(new Error('execution stopped'));
      assert.equal((await pending).error, 'Http.Aborted');
      await waitFor(() => peer.dropped > dropped);
    });

    it('refuses invalid input with Http.InvalidInput before sending anything', async () => {
      const count = peer.seen.length;
      const inputs: Json[] = [
        {},
        'http://127.0.0.1/',
        { url: 'not a url' },
        { url: 'ftp://127.0.0.1/file' },
        { url: `${peer.base}/echo`, method: 'FETCH' },
        { url: `${peer.base}/echo`, body: { a: 1 } },
        { url: `${peer.base}/echo`, header: { a: 'b' } },
        { url: `${peer.base}/echo`, timeoutSeconds: 0 },
        { url: `${peer.base}/echo`, query: { nested: { a: 1 } } },
        { url: `${peer.base}/echo`, headers: { Host: 'example.com' } },
        { url: `http://user:pass@127.0.0.1:${new URL(peer.base).port}/echo` },
      ];
      for (const input of inputs) assert.equal((await taskFailure(call(input))).error, 'Http.InvalidInput', JSON.stringify(input));
      assert.equal(peer.seen.length, count);
    });
  });

  describe('redirects and limits', () => {
    it('follows redirects', async () => {
      const count = peer.seen.length;
      const result = object(await call({ url: `${peer.base}/redirect?n=5` }));
      assert.equal(result.status, 200);
      assert.equal(object(result.body).url, '/echo');
      assert.equal(peer.seen.length - count, 6);
    });

    it('fails with Http.TooManyRedirects past maxRedirects', async () => {
      assert.equal((await taskFailure(call({ url: `${peer.base}/redirect?n=6` }))).error, 'Http.TooManyRedirects');
      const strict = createHttpResource({ ...local, maxRedirects: 0 });
      assert.equal((await taskFailure(call({ url: `${peer.base}/redirect?n=1` }, strict))).error, 'Http.TooManyRedirects');
    });

    it('turns a POST into a GET without body on 303, and keeps method and body on 307', async () => {
      const seeOther = object(await call({ url: `${peer.base}/redirect?n=1&status=303`, method: 'POST', body: { a: 1 } }));
      assert.equal(object(seeOther.body).method, 'GET');
      assert.equal(object(seeOther.body).body, '');
      const temporary = object(await call({ url: `${peer.base}/redirect?n=1&status=307`, method: 'POST', body: { a: 1 } }));
      assert.equal(object(temporary.body).method, 'POST');
      assert.equal(object(temporary.body).body, '{"a":1}');
    });

    it('drops Authorization when a redirect leaves the origin', async () => {
      const other = await startPeer();
      try {
        const location = `${other.base}/echo`;
        const url = `${peer.base}/to?location=${encodeURIComponent(location)}`;
        const result = object(await call({ url, headers: { Authorization: 'Bearer t', 'X-Keep': '1' } }));
        const headers = object(object(result.body).headers);
        assert.equal(headers.authorization, undefined);
        assert.equal(headers['x-keep'], '1');
      } finally {
        await other.close();
      }
    });

    it('fails with Http.ResponseTooLarge past maxResponseBytes, declared or streamed', async () => {
      const capped = createHttpResource({ ...local, maxResponseBytes: 5000 });
      assert.equal(object(await call({ url: `${peer.base}/big?bytes=5000` }, capped)).body, 'x'.repeat(5000));
      assert.equal((await taskFailure(call({ url: `${peer.base}/big?bytes=5001` }, capped))).error, 'Http.ResponseTooLarge');
      assert.equal((await taskFailure(call({ url: `${peer.base}/big-chunked?bytes=20000` }, capped))).error, 'Http.ResponseTooLarge');
    });
  });

  describe('address policy', () => {
    const serve = createHttpResource();
    /** `hops`: requests the peer gets before the refusal (a redirect's first hop). */
    const refused = async (input: Json, handler: ResourceHandler = http, hops = 0) => {
      const seen = peer.seen.length;
      const thrown = await taskFailure(call({ timeoutSeconds: 2, ...(input as JsonObject) }, handler));
      assert.equal(thrown.error, 'Http.AddressRefused', thrown.message);
      assert.equal(peer.seen.length, seen + hops, 'nothing more reached the peer');
      return thrown;
    };
    /** Every IPv6 form that embeds 169.254.169.254, and the IPv4 spellings the URL parser normalizes. */
    const metadataForms = [
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/',
      'http://0251.0376.0251.0376/',
      'http://0xa9.0xfe.0xa9.0xfe/',
      'http://0xa9fea9fe/',
      'http://169.254.43518/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[::169.254.169.254]/',
      'http://[::ffff:0:a9fe:a9fe]/',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://[64:ff9b:1::a9fe:a9fe]/',
      'http://[2002:a9fe:a9fe::1]/',
      'http://[2001:0:a9fe:a9fe::1]/',
      'http://[2001:0:4136:e378:8000:63bf:5601:5601]/',
      'http://[fd00:ec2::254]/',
      'http://[fe80::1]/',
      'http://169.254.1.1/',
      'http://METADATA.google.internal./computeMetadata/v1/',
    ];
    /** Loopback and private addresses, in every embedding: refused by serve, allowed (when reachable) by dev. */
    const privateForms = [
      'http://127.0.0.1:9/', 'http://2130706433:9/', 'http://0177.0.0.1:9/', 'http://0x7f.1:9/', 'http://127.1:9/',
      'http://10.0.0.1/', 'http://172.16.0.1/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://[fc00::1]/', 'http://[fd12:3456::1]/',
      'http://[::1]:9/', 'http://[::ffff:127.0.0.1]:9/', 'http://[::127.0.0.1]:9/', 'http://[64:ff9b::7f00:1]/', 'http://[64:ff9b::a00:1]/',
      'http://[2002:7f00:1::]/', 'http://[2002:c0a8:101::]/', 'http://[2001:0:7f00:1::]/',
    ];
    const alwaysDenied = ['http://0.0.0.0:9/', 'http://0/', 'http://[::]:9/', 'http://224.0.0.1/', 'http://[ff02::1]/', 'http://255.255.255.255/', 'http://240.0.0.1/'];

    it('refuses metadata and link-local addresses in every encoding and IPv6 embedding, in dev as in serve', async () => {
      for (const url of metadataForms) {
        await refused({ url }, http);
        await refused({ url }, serve);
      }
    });

    it('refuses 0.0.0.0/8, the unspecified address, multicast, broadcast and reserved ranges in dev as in serve', async () => {
      for (const url of alwaysDenied) {
        await refused({ url }, http);
        await refused({ url }, serve);
      }
    });

    it('refuses loopback and private ranges, in every IPv6 embedding, by default (serve)', async () => {
      for (const url of privateForms) await refused({ url }, serve);
      await refused({ url: `${peer.base}/text` }, serve);
    });

    it('reaches loopback when private networks are allowed (dev, execute)', async () => {
      assert.equal(object(await call({ url: `${peer.base}/text` })).status, 200);
      const port = new URL(peer.base).port;
      assert.equal(object(await call({ url: `http://2130706433:${port}/text` })).status, 200);
      assert.equal(object(await call({ url: `http://localhost:${port}/text` }, createHttpResource({ ...local, lookup: async () => [{ address: '127.0.0.1', family: 4 }] }))).status, 200);
    });

    it('refuses a host name that resolves to a denied address, checked on the address the socket connects to', async () => {
      await refused({ url: 'http://innocent.test/' }, createHttpResource({ lookup: async () => [{ address: '169.254.169.254', family: 4 }] }));
      await refused({ url: 'http://innocent.test/' }, createHttpResource({ lookup: async () => [{ address: '::ffff:a9fe:a9fe', family: 6 }] }));
      await refused({ url: 'http://innocent.test/' }, createHttpResource({ lookup: async () => [{ address: '64:ff9b::a9fe:a9fe', family: 6 }] }));
      // One public address and one private one: the whole answer is refused, whichever the socket would pick.
      await refused({ url: 'http://innocent.test/' }, createHttpResource({ lookup: async () => [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }] }));
      const port = new URL(peer.base).port;
      await refused({ url: `http://localhost:${port}/text` }, serve);
    });

    it('connects to the address it checked: a name that would resolve to loopback on a second lookup never reaches it', async () => {
      let lookups = 0;
      const rebinding = createHttpResource({
        allow: ['127.0.0.2'],
        lookup: async () => [{ address: lookups++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 }],
      });
      const port = new URL(peer.base).port;
      const seen = peer.seen.length;
      // 127.0.0.2 is allowed and nothing listens there: a client that looked the name up again to connect
      // (or asked the system resolver, which says 127.0.0.1 for localhost) would have reached the peer.
      assert.equal((await taskFailure(call({ url: `http://localhost:${port}/text`, timeoutSeconds: 2 }, rebinding))).error, 'States.Http.Socket');
      assert.equal(peer.seen.length, seen);
      assert.equal(lookups, 1, 'one lookup, made by the socket itself');
      await refused({ url: `http://localhost:${port}/text` }, rebinding);
    });

    it('refuses a redirect to a denied address, in every form', async () => {
      for (const target of ['http://169.254.169.254/latest/meta-data/', 'http://[::169.254.169.254]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://0xa9fea9fe/']) {
        await refused({ url: `${peer.base}/to?location=${encodeURIComponent(target)}` }, http, 1);
      }
      const opened = createHttpResource({ allow: ['127.0.0.1'] });
      await refused({ url: `${peer.base}/to?location=${encodeURIComponent('http://[::1]:9/')}` }, opened, 1);
    });

    it('opens what the allowlist names, by address, CIDR or host name, and honours deny', async () => {
      const port = new URL(peer.base).port;
      assert.equal(object(await call({ url: `${peer.base}/text` }, createHttpResource({ allow: ['127.0.0.1'] }))).status, 200);
      assert.equal(object(await call({ url: `${peer.base}/text` }, createHttpResource({ allow: ['127.0.0.0/8'] }))).status, 200);
      const byName = createHttpResource({ allow: ['*.internal.test'], lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
      assert.equal(object(await call({ url: `http://api.internal.test:${port}/text` }, byName)).status, 200);
      await refused({ url: `${peer.base}/text` }, createHttpResource({ ...local, deny: ['127.0.0.0/8'] }));
      const deniedName = createHttpResource({ ...local, deny: ['*.internal.test'], lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
      await refused({ url: 'http://api.internal.test/' }, deniedName);
    });

    it('rejects invalid allow and deny entries when the resource is created', () => {
      const configInvalid = (error: unknown) => error instanceof EngineError && error.code === 'CONFIG_INVALID';
      assert.throws(() => createHttpResource({ ...local, deny: ['10.0.0.0/99'] }), configInvalid);
      assert.throws(() => createHttpResource({ ...local, allow: ['not a host'] }), EngineError);
      assert.throws(() => createHttpResource({ ...local, maxResponseBytes: 0 }), EngineError);
    });
  });

  describe('secrets', () => {
    const secret = 'Bearer s3cr3t-do-not-log';

    it('never puts a request header value in an error cause', async () => {
      const tight: HttpResourceOptions = { maxResponseBytes: 10, maxRedirects: 0 };
      const handler = createHttpResource({ ...local, ...tight });
      const headers = { Authorization: secret, 'X-Api-Key': secret };
      const inputs: Json[] = [
        { url: `${peer.base}/missing`, headers },
        { url: `${peer.base}/fail`, method: 'POST', headers, body: {} },
        { url: `http://127.0.0.1:${await closedPort()}/`, headers },
        { url: `${peer.base}/hang`, headers, timeoutSeconds: 0.1 },
        { url: `${peer.base}/redirect?n=1`, headers },
        { url: `${peer.base}/big?bytes=100`, headers },
        { url: 'http://169.254.169.254/', headers },
        { url: `${peer.base}/echo`, headers: { Authorization: `${secret}\r\nX-Injected: 1` } },
      ];
      for (const input of inputs) {
        const thrown = await taskFailure(call(input, handler));
        assert.ok(!thrown.message.includes('s3cr3t'), `${thrown.error} leaked the secret: ${thrown.message}`);
      }
    });
  });
});

describe('arn:aws:states:::http:invoke', () => {
  let peer: Peer;
  const aws = createAwsHttpResource(local);
  before(async () => {
    peer = await startPeer();
  });
  after(() => peer.close());

  it('maps ApiEndpoint, Method, Headers, QueryParameters and RequestBody', async () => {
    await aws(
      {
        ApiEndpoint: `${peer.base}/echo`,
        Method: 'PATCH',
        Headers: { 'X-Trace': 'abc' },
        QueryParameters: { page: 2, tag: ['a', 'b'] },
        RequestBody: { done: true },
        Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/example/1' },
      },
      makeContext(),
    );
    const seen = peer.seen.at(-1);
    assert.equal(seen?.method, 'PATCH');
    assert.equal(seen?.url, '/echo?page=2&tag=a&tag=b');
    assert.equal(seen?.headers['x-trace'], 'abc');
    assert.equal(seen?.headers['content-type'], 'application/json');
    assert.equal(seen?.body, '{"done":true}');
  });

  it('answers StatusCode, StatusText, Headers as lists and ResponseBody', async () => {
    const result = object(await aws({ ApiEndpoint: `${peer.base}/echo`, Method: 'GET' }, makeContext()));
    assert.deepEqual(Object.keys(result).sort(), ['Headers', 'ResponseBody', 'StatusCode', 'StatusText']);
    assert.equal(result.StatusCode, 200);
    assert.equal(result.StatusText, 'OK');
    assert.deepEqual(object(result.Headers)['content-type'], ['application/json']);
    assert.equal(object(result.ResponseBody).method, 'GET');
  });

  it('URL-encodes the body when Transform asks for it, with the chosen array format', async () => {
    const input = (format: string) => ({
      ApiEndpoint: `${peer.base}/echo`,
      Method: 'POST',
      RequestBody: { name: 'a b', tag: ['x', 'y'] },
      Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: format } },
    });
    const sent = async (format: string) => {
      await aws(input(format), makeContext());
      assert.equal(peer.seen.at(-1)?.headers['content-type'], 'application/x-www-form-urlencoded');
      return decodeURIComponent(peer.seen.at(-1)?.body ?? '');
    };
    assert.equal(await sent('INDICES'), 'name=a+b&tag[0]=x&tag[1]=y');
    assert.equal(await sent('BRACKETS'), 'name=a+b&tag[]=x&tag[]=y');
    assert.equal(await sent('REPEAT'), 'name=a+b&tag=x&tag=y');
    assert.equal(await sent('COMMAS'), 'name=a+b&tag=x,y');
  });

  it('fails with the same error names as http:invoke', async () => {
    const missing = await taskFailure(aws({ ApiEndpoint: `${peer.base}/missing`, Method: 'GET' }, makeContext()));
    assert.equal(missing.error, 'States.Http.StatusCode.404');
    assert.equal((await taskFailure(aws({ ApiEndpoint: `${peer.base}/echo` }, makeContext()))).error, 'Http.InvalidInput');
    assert.equal((await taskFailure(aws({ url: `${peer.base}/echo`, Method: 'GET' }, makeContext()))).error, 'Http.InvalidInput');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
