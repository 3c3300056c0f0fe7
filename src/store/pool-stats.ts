/**
 * How busy a pool is, counted around postgres.js's public surface: its connection queues are private
 * (3.4), so what is counted is the work handed to the pool. One *unit* of work wants one connection:
 * a statement run on the pool itself (from the moment it is executed until it settles), a transaction
 * (from `begin()` until it settles, its statements included), a reserved connection (from `reserve()`
 * until `release()`). With `units` in flight and `size` connections, `min(units, size)` connections
 * are busy and the rest wait: in the driver's queue, or sent behind another statement on a busy
 * connection (postgres.js pipelines once every connection is busy), which for the caller is the same
 * wait. Statements inside a transaction or on a reserved connection run on its connection and are not
 * counted again; LISTEN has its own connection and is not in the pool.
 */
import type { Sql, TransactionSql } from './connection.ts';

/** A pool's connections at one instant. */
export interface PoolStats {
  /** Connections the pool may open (its `max`). */
  size: number;
  /** Connections running or about to run this process's work: `min(units, size)`. */
  inUse: number;
  /** Units of work waiting for a connection: `units - inUse`. */
  waiting: number;
}

const statsKey = Symbol('nightshift.poolStats');

interface Counter {
  size: number;
  units: number;
}

/** What a pool built by `connect()` is doing now (zeros for any other). */
export function poolStats(sql: Sql): PoolStats {
  const counter = (sql as unknown as Record<symbol, Counter | undefined>)[statsKey];
  if (!counter) return { size: 0, inUse: 0, waiting: 0 };
  const inUse = Math.min(counter.units, counter.size);
  return { size: counter.size, inUse, waiting: counter.units - inUse };
}

type Callable = (...args: unknown[]) => unknown;

/**
 * A pool that counts its units of work: a new `sql` function (the tagged template cannot be patched in
 * place) carrying every property of the driver's, with `unsafe`, `file`, `begin` and `reserve` counted.
 */
export function countingUnits(sql: Sql, size: number): Sql {
  const counter: Counter = { size, units: 0 };
  const original = sql as unknown as Callable;
  const counted = function (this: unknown, ...args: unknown[]) {
    return track(original.apply(this, args), counter);
  } as unknown as Record<string | symbol, unknown>;
  Object.defineProperties(counted, Object.getOwnPropertyDescriptors(sql));
  counted[statsKey] = counter;
  for (const name of ['unsafe', 'file'] as const) {
    const method = (sql as unknown as Record<string, Callable>)[name];
    counted[name] = (...args: unknown[]) => track(method(...args), counter);
  }
  counted.begin = countedWhileSettling((sql as unknown as Record<string, Callable>).begin, counter);
  counted.reserve = countedReserve((sql as unknown as Record<string, Callable>).reserve, counter);
  return counted as unknown as Sql;
}

const counterOf = Symbol('nightshift.unitCounter');
const patched = new WeakSet<object>();

/**
 * Counts a statement from its execution to its settling. postgres.js runs a query when `then` is first
 * called (await, `.catch` and `.finally` go through it) or `execute()`; a query only used as a fragment
 * of another is never run, so never counted. The query is marked with its counter, and those two methods
 * are wrapped once on the driver's query class (queries without a mark pass straight through): wrapping
 * them on each query cost 7–18 µs of CPU per statement against 4 this way (bench/pool-counting.mts).
 */
function track<T>(value: T, counter: Counter): T {
  if (!(value instanceof Promise)) return value;
  (value as unknown as Record<symbol, Counter | null>)[counterOf] = counter;
  const prototype = Object.getPrototypeOf(value) as Record<string, Callable>;
  if (!patched.has(prototype)) patchQueryClass(prototype);
  return value;
}

function patchQueryClass(prototype: Record<string, Callable>): void {
  patched.add(prototype);
  for (const name of ['then', 'execute'] as const) {
    const method = prototype[name];
    prototype[name] = function (this: Record<symbol, Counter | null>, ...args: unknown[]) {
      const counter = this[counterOf];
      if (counter) {
        this[counterOf] = null;
        counter.units += 1;
        const done = () => {
          counter.units -= 1;
        };
        Promise.prototype.then.call(this, done, done);
      }
      return method.apply(this, args);
    };
  }
}

/** `begin(…)` counted from the call until its promise settles. */
function countedWhileSettling(method: Callable, counter: Counter): Callable {
  return (...args: unknown[]) => {
    counter.units += 1;
    return (method(...args) as Promise<unknown>).finally(() => {
      counter.units -= 1;
    });
  };
}

/** `reserve()` counted from the call until the reserved connection is released (or reserving failed). */
function countedReserve(method: Callable, counter: Counter): Callable {
  return async () => {
    counter.units += 1;
    let reserved: TransactionSql & { release(): void };
    try {
      reserved = (await method()) as TransactionSql & { release(): void };
    } catch (error) {
      counter.units -= 1;
      throw error;
    }
    const release = reserved.release;
    let released = false;
    reserved.release = () => {
      if (!released) counter.units -= 1;
      released = true;
      release();
    };
    return reserved;
  };
}
