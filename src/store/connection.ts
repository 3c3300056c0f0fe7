import postgres from 'postgres';
import { EngineError } from '../shared/index.ts';
import type { Logger } from '../shared/index.ts';
import { SupervisedListener } from './listener.ts';
import { countingUnits } from './pool-stats.ts';
import { guardedSockets } from './socket.ts';

/**
 * How Postgres `bigint` (int8) values come back: a JS number when it is a safe integer (every job id,
 * every `count(*)` in practice), otherwise the exact decimal string. postgres.js alone returns every
 * int8 as a string, and `BigInt` breaks `JSON.stringify`; this keeps both readable and lossless.
 */
const bigint = {
  to: 20,
  from: [20],
  serialize: (value: number | string) => String(value),
  parse: (raw: string): number | string => {
    const value = Number(raw);
    return Number.isSafeInteger(value) ? value : raw;
  },
};

type Types = { bigint: number | string };

/** A connection pool: queries, `begin()` for transactions, `listen()`, `end()`. */
export type Sql = postgres.Sql<Types>;
/** What `sql.begin(tx => …)` hands to its callback. */
export type TransactionSql = postgres.TransactionSql<Types>;
/**
 * Anything a statement can run on: the pool or a transaction. Store functions that only run
 * statements take this, so a caller can put several of them in one transaction.
 */
export type Queryable = postgres.ISql<Types>;
/** An error raised by Postgres; `code` is the SQLSTATE. */
export const PostgresError = postgres.PostgresError;

export interface ConnectOptions {
  /** Pool size (postgres.js default: 10). */
  max?: number;
  /** Shown in `pg_stat_activity.application_name`. */
  applicationName?: string;
  /**
   * False through a transaction-mode pooler (PgBouncer, Supavisor): no statement is prepared by name,
   * since the next transaction may land on another server connection. Overrides every per-statement
   * `prepare: true`. Default true.
   */
  prepare?: boolean;
  /**
   * Where LISTEN goes: another URL (a direct connection past the pooler), or null for nowhere (listening
   * is refused with UNAVAILABLE and callers poll). Default: the same URL, on a connection of its own.
   */
  listenUrl?: string | null;
  /** Where the LISTEN connection says it went down and came back. */
  logger?: Logger;
}

/**
 * Opens a lazy pool (no connection until the first query). Column names come back as Postgres
 * spells them (no camel-casing), NOTICE messages are dropped, `undefined` parameters are refused
 * by the driver rather than silently turned into NULL. `listen()` goes to a supervised LISTEN
 * connection (listener.ts), ended with the pool.
 */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  const sql = open(url, options.max ?? 10, options);
  const target = sql as unknown as Record<string | symbol, unknown>;
  if (options.listenUrl === null) {
    target[noListen] = true;
    target.listen = () => Promise.reject(new EngineError('UNAVAILABLE', 'LISTEN is off: DATABASE_URL goes through a transaction-mode pooler and no DATABASE_DIRECT_URL is set'));
    return sql;
  }
  const listenUrl = options.listenUrl ?? url;
  const listener = new SupervisedListener({ open: () => open(listenUrl, 1, options), notify: sql, logger: options.logger });
  target[listenerKey] = listener;
  target.listen = listener.listen.bind(listener);
  const end = sql.end;
  target.end = async (endOptions?: { timeout?: number }) => {
    await Promise.all([end(endOptions), listener.end()]);
  };
  return sql;
}

/** Whether LISTEN works on this pool (false through a pooler without a direct URL: callers poll). */
export function canListen(sql: Sql): boolean {
  return !(sql as unknown as Record<symbol, boolean>)[noListen];
}

/** The pool's supervised LISTEN connection; null when LISTEN is off (or for a pool `connect` did not build). */
export function listenerOf(sql: Sql): SupervisedListener | null {
  return (sql as unknown as Record<symbol, SupervisedListener | undefined>)[listenerKey] ?? null;
}

const noListen = Symbol('nightshift.noListen');
const listenerKey = Symbol('nightshift.listener');

/**
 * How long opening a connection may take, TCP to ready for queries (TLS and authentication included),
 * before the waiting statement fails as unreachable (503 DATABASE_UNAVAILABLE in the API). Postgres
 * readies a new connection in milliseconds; 5 s leaves room for a loaded machine and a distant server.
 */
export const connectTimeoutSeconds = 5;

function open(url: string, max: number, options: ConnectOptions): Sql {
  return countingUnits(withoutWritesAfterConnectionLoss(fetchingTypesOnce(postgres(url, {
    max,
    prepare: options.prepare ?? true,
    onnotice: () => {},
    types: { bigint },
    transform: { undefined: undefined },
    connection: { application_name: options.applicationName ?? 'nightshift' },
    // Reconnect quickly after an outage: the driver's default backoff grows to 10–20 s and is shared by
    // the pool (measured after a 2.5 s Postgres restart: work resumed 15.8 s later; 1.4 s with this).
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    // A server that accepts a connection and never answers (one starting or stopping on a loaded machine)
    // would hold the statement, and the API request behind it, for the driver's default of 30 s.
    connect_timeout: connectTimeoutSeconds,
    // Not in the driver's types, but a documented option (src/store/socket.ts says why).
    ...({ socket: guardedSockets() } as object),
  }))), max);
}

/**
 * postgres.js 3.4.9 reads the server's array types on every new connection, from a promise nobody
 * handles: a connection lost during that query (a Postgres restart) rejects it unhandled
 * ("write CONNECTION_CLOSED host:port"), which ends a Node process, and leaves the query that opened
 * the connection waiting. The types are shared by the pool's connections and the same for the life of
 * the server (built-in OIDs), so once one connection has read them, later ones skip the read: the hook
 * is the driver's own table of array types, filled by that read.
 */
function fetchingTypesOnce(sql: Sql): Sql {
  const options = (sql as unknown as { options: { fetch_types: boolean; shared: { typeArrayMap: Record<number, number> } } }).options;
  options.shared.typeArrayMap = new Proxy(options.shared.typeArrayMap, {
    set(target, key, value) {
      (target as Record<string | symbol, unknown>)[key] = value;
      options.fetch_types = false;
      return true;
    },
  });
  return sql;
}

/**
 * postgres.js 3.4.9 answers a transaction callback that failed by sending ROLLBACK (or ROLLBACK TO
 * SAVEPOINT) on the transaction's connection, even when the failure was that connection dying: the
 * write then throws outside any promise ("Cannot read properties of null (reading 'write')", which
 * ends the process) or leaves the connection unable to send anything again, so its next query never
 * settles (porsager/postgres #1066, #1154, #1208; the fixes are not released). The driver rejects
 * `begin()` by itself when the connection closes, so a callback that failed because the connection
 * was lost is left unsettled instead: nothing more is written on that connection, and the caller sees
 * `begin()` fail with CONNECTION_CLOSED. Savepoints inside get the same treatment. Remove this once a
 * fixed driver is released (test/integration/postgres-restart.test.ts proves the outage either way).
 */
function withoutWritesAfterConnectionLoss(sql: Sql): Sql {
  return guardCallback(sql, 'begin', (tx) => guardCallback(tx, 'savepoint', (sp) => sp));
}

/**
 * Replaces `target[method]` (begin or savepoint: its last argument is the callback) with one whose
 * callback, given `prepare(tx)`, is held unsettled when it fails because the connection was lost;
 * answers `target`.
 */
function guardCallback<T extends Sql | TransactionSql>(target: T, method: 'begin' | 'savepoint', prepare: (tx: TransactionSql) => TransactionSql): T {
  const methods = target as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = methods[method].bind(target);
  methods[method] = (...args: unknown[]) => {
    const fn = args.at(-1) as (tx: TransactionSql) => unknown;
    return original(...args.slice(0, -1), (tx: TransactionSql) => heldOnLoss(fn(prepare(tx))));
  };
  return target;
}

/** The callback's outcome, except that a failure caused by the connection's loss never settles. */
function heldOnLoss<T>(work: T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    Promise.resolve(work).then(resolve, (error: unknown) => {
      if (!isConnectionLoss(error)) reject(error);
    });
  });
}

/** Driver codes for a connection that went away, socket errors, and SQLSTATE classes 08 and 57P0x. */
const lostCodes = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function isConnectionLoss(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (lostCodes.has(code) || code.startsWith('08') || code.startsWith('57P0'))) return true;
  }
  return false;
}

/** A round trip to the server: health checks. */
export async function ping(sql: Queryable): Promise<void> {
  await sql.unsafe('select 1');
}
