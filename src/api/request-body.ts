/**
 * Request bodies, capped at a size. Served by Node (`nightshift serve`, or the app's Node listener), the
 * body is read straight from the IncomingMessage into one Buffer: read through the web Request that the
 * Node adapter otherwise builds for it (undici's Request, a ReadableStream piped from the socket, an
 * AbortController), an HTTP start spent about a fifth of its process's CPU on that (profile of `serve`
 * under `bench/http-starts.mts`: undici, web streams, abort signals and the garbage they leave). The
 * Buffer is also left as the message's `rawBody`, which the adapter reads if anything asks for the web
 * Request's body later. Anywhere else (the app mounted in another framework's fetch handler, or a body
 * someone already started reading) the body goes through hono's bodyLimit as before.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

const texts = new WeakMap<Context, string>();
// As the web Request's text() decodes: UTF-8, a leading byte-order mark dropped, bad bytes replaced.
const utf8 = new TextDecoder();

/** Refuses a body above `maxSize` bytes with `tooLarge` (which throws), before any route reads it. */
export function cappedBody(maxSize: number, tooLarge: (context: Context) => never): MiddlewareHandler {
  const throughWeb = bodyLimit({ maxSize, onError: tooLarge });
  return async (context, next) => {
    const incoming = unreadIncoming(context);
    if (!incoming) return throughWeb(context, next);
    const body = await readCapped(incoming, maxSize);
    if (body === null) return tooLarge(context);
    (incoming as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    texts.set(context, utf8.decode(body));
    return next();
  };
}

/** The request's body as text (empty when there is none). */
export function bodyText(context: Context): Promise<string> {
  const text = texts.get(context);
  return text === undefined ? context.req.text() : Promise.resolve(text);
}

/** The Node message under this request, when nobody has started reading its body. */
function unreadIncoming(context: Context): IncomingMessage | null {
  const incoming = (context.env as { incoming?: unknown } | undefined)?.incoming as (IncomingMessage & { rawBody?: unknown }) | undefined;
  if (!incoming || typeof incoming.on !== 'function' || 'rawBody' in incoming) return null;
  if (incoming.readableEnded || incoming.readableFlowing !== null) return null;
  return incoming;
}

/** The whole body, or null as soon as it passes `maxSize` (the rest is not read: the caller closes the connection). */
function readCapped(incoming: IncomingMessage, maxSize: number): Promise<Buffer | null> {
  const declared = Number(incoming.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxSize) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (settle: () => void) => {
      if (settled) return;
      settled = true;
      // The error listener stays: a connection reset after this must not become an unhandled 'error'.
      incoming.off('data', onData).off('end', onEnd);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxSize) done(() => resolve(null));
      else chunks.push(chunk);
    };
    const onEnd = () => done(() => resolve(Buffer.concat(chunks, size)));
    incoming.on('data', onData).on('end', onEnd).on('error', (error: Error) => done(() => reject(error)));
    // A client gone before the end of its body: nothing more comes.
    incoming.on('close', () => done(() => reject(new Error('the connection closed before the request body ended'))));
  });
}
