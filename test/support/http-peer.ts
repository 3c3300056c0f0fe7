/**
 * A recording HTTP server on 127.0.0.1 that stands in for the services the examples talk to:
 * - `/echo`: 200 with JSON of the request it got (method, url, headers, body);
 * - `/echo-fail`: the same JSON with status 500 (a server that puts the request in its error page);
 * - `/services/...`: a Slack incoming webhook, 200 `ok` as text;
 * - `/v1/payment_intents`: a Stripe-style API over form-encoded bodies; `amount=402` is a declined card.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpPeer {
  base: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
}

function paymentIntent(seen: SeenRequest, response: ServerResponse): void {
  const form = new URLSearchParams(seen.body);
  if (!String(seen.headers.authorization ?? '').startsWith('Bearer ')) {
    return send(response, 401, 'application/json', JSON.stringify({ error: { type: 'invalid_request_error', message: 'No API key provided' } }));
  }
  if (form.get('amount') === '402') {
    const error = { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } };
    return send(response, 402, 'application/json', JSON.stringify(error));
  }
  const intent = { id: 'pi_123', object: 'payment_intent', status: 'succeeded', amount: Number(form.get('amount')), currency: form.get('currency') };
  send(response, 200, 'application/json', JSON.stringify(intent));
}

export async function startHttpPeer(): Promise<HttpPeer> {
  const peer: HttpPeer = { base: '', seen: [], close: async () => {} };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seen: SeenRequest = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() };
      peer.seen.push(seen);
      const path = new URL(seen.url, 'http://peer').pathname;
      if (path === '/echo') send(response, 200, 'application/json', JSON.stringify(seen));
      else if (path === '/echo-fail') send(response, 500, 'application/json', JSON.stringify(seen));
      else if (path.startsWith('/services/')) send(response, 200, 'text/plain', 'ok');
      else if (path === '/v1/payment_intents' && seen.method === 'POST') paymentIntent(seen, response);
      else send(response, 404, 'text/plain', 'unknown route');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  peer.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return peer;
}
