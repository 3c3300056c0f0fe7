/**
 * Values that are there now, or later. Only JSONata evaluates asynchronously (its `evaluate` returns a
 * promise); every JSONPath state, path, template and intrinsic answers at once. So the core returns a
 * plain value wherever no JSONata expression was evaluated, and a promise only where one was: an
 * `async` function per state made ~150 promises per short workflow, and with the garbage they left
 * that was over a third of its time (measured on bench/workflows/order.json).
 *
 * A Json value is never a promise, so `instanceof Promise` tells the two apart; JSONata answers with
 * native promises (our own async functions wrap whatever it returns).
 */
export type Maybe<T> = T | Promise<T>;

/** Calls `next` with the value now, or once the promise settles. */
export function then<T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
