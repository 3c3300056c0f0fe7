/**
 * One HTTP request of http:invoke over node:http / node:https, with the address policy applied to the address
 * the socket connects to: the socket's `lookup` is ours, it resolves the host name, refuses the whole answer
 * when any address in it is refused, and hands the socket only addresses it checked — so there is no window
 * between a check and the connection for a DNS answer to change (DNS rebinding). An IP literal is never looked
 * up by the socket, so it is checked before the request. The global fetch cannot take a custom lookup without
 * undici's own Agent, which is not a dependency; hence node:http here, with keep-alive agents per resource.
 *
 * The response body is decompressed (gzip, deflate, br) as fetch would, read up to a byte limit, and the rest
 * of it is not downloaded.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { AddressPolicy } from './address-policy.ts';
import { TaskFailure } from './resource.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Host name resolution; `node:dns` lookup (all addresses, in the resolver's order) by default. */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export interface Outgoing {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal;
}

export interface Incoming {
  status: number;
  statusText: string;
  headers: Headers;
  /** The decompressed body. */
  body: Readable;
  /** Stops the download. */
  discard(): void;
}

const resolveWithDns: Resolve = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

export class HttpTransport {
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  constructor(
    private readonly policy: AddressPolicy,
    private readonly resolve: Resolve = resolveWithDns,
  ) {
    // Sockets are reused per host and port; each was checked when it connected, under the same policy.
    this.agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  }

  /** Refuses a hop whose host is denied by name or is an IP literal that is refused. */
  checkHost(url: URL, label: string): void {
    const host = hostOf(url);
    if (this.policy.allowsName(host)) return;
    const byName = this.policy.refusesName(host);
    if (byName) throw refused(label, byName);
    if (isIP(host) !== 0) {
      const why = this.policy.refusal(host);
      if (why) throw refused(label, why);
    }
  }

  send(request: Outgoing, label: string): Promise<Incoming> {
    this.checkHost(request.url, label);
    const { url, method, body, signal } = request;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    headers['accept-encoding'] ??= 'gzip, deflate, br';
    headers['user-agent'] ??= 'nightshift';
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const secure = url.protocol === 'https:';
    const byName = this.policy.allowsName(hostOf(url));
    return new Promise<Incoming>((resolve, reject) => {
      const options = { method, headers, signal, agent: secure ? this.agents.https : this.agents.http, lookup: this.lookupFor(label, byName) };
      const outgoing = (secure ? httpsRequest : httpRequest)(url, options, (response) => resolve(incoming(response)));
      outgoing.on('error', reject);
      // A Buffer, not a string: node writes the head with the first string chunk's encoding (UTF-8), which
      // would turn a Latin-1 header value into its UTF-8 bytes; with a Buffer the head is written as Latin-1.
      outgoing.end(body === undefined ? undefined : Buffer.from(body));
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** The socket's lookup: resolves, checks every address, and answers in the form the socket asked for. */
  private lookupFor(label: string, allowedByName: boolean) {
    return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
      this.resolve(hostname).then(
        (answers) => {
          const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
          const usable = answers.filter((answer) => family === 0 || answer.family === family);
          if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
          for (const { address } of allowedByName ? [] : usable) {
            const why = this.policy.refusal(address);
            if (why) return callback(refused(label, `${hostname} resolves to ${address}: ${why}`), '', 0);
          }
          if (options.all) return callback(null, usable.map(({ address, family: f }) => ({ address, family: f })));
          callback(null, usable[0].address, usable[0].family);
        },
        (error: Error) => callback(error, '', 0),
      );
    };
  }
}

function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

function refused(label: string, why: string): TaskFailure {
  return new TaskFailure('Http.AddressRefused', `${label} refused: ${why}`);
}

const decoders: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function incoming(response: IncomingMessage): Incoming {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i], raw[i + 1]);
    } catch {
      // a header Headers cannot hold (invalid characters): left out, as fetch does
    }
  }
  const encoding = (headers.get('content-encoding') ?? '').trim().toLowerCase();
  const decoder = Object.hasOwn(decoders, encoding) ? decoders[encoding] : undefined;
  const body: Readable = decoder ? (response.pipe(decoder()) as unknown as Readable) : response;
  if (decoder) response.on('error', (error) => body.destroy(error));
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    headers,
    body,
    discard: () => {
      response.destroy();
      if (body !== response) body.destroy();
    },
  };
}
