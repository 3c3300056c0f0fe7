import { connect as connectTcp, type Socket } from 'node:net';

const cancelRequestCode = 80877102;

/** What postgres.js hands to its `socket` option: where to connect. */
interface Target {
  host: string[];
  port: number[];
  path: string | false;
}

/**
 * The sockets a pool opens (postgres.js's `socket` option), with one change: a server that closes a new
 * connection before sending a single byte fails it with CONNECTION_CLOSED. postgres.js 3.4.9 answers
 * such a close by connecting again at once with the same waiting statement, and again, for as long as
 * the server keeps doing it, with no backoff and no connect timeout (each attempt restarts the timer):
 * the statement, and the API request behind it, never settles. Postgres does it when it is told to stop
 * while a backend is still reading a startup packet (that backend exits without a word). As an error,
 * the statement fails as unreachable (503 DATABASE_UNAVAILABLE) and the driver backs off; with several
 * hosts in the URL the driver still tries the next one. Hosts are taken in turn as the driver does.
 */
export function guardedSockets(): (target: Target) => Socket {
  let opened = 0;
  return (target) => {
    const index = opened++ % Math.max(1, target.host.length);
    const socket = target.path ? connectTcp(target.path) : connectTcp(target.port[index] ?? target.port[0], target.host[index]);
    Object.assign(socket, { host: target.host[index], port: target.port[index] ?? target.port[0] });
    let answered = false;
    socket.once('data', () => void (answered = true));
    // A cancel request (16 bytes, code 80877102) is answered by the server closing the connection.
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length === 16 && chunk.readInt32BE(4) === cancelRequestCode) answered = true;
      return write(chunk, ...rest);
    }) as typeof socket.write;
    socket.once('end', () => {
      if (answered) return;
      const error = Object.assign(new Error('The database server closed the connection before answering'), { code: 'CONNECTION_CLOSED' });
      socket.destroy(error);
    });
    return socket;
  };
}
