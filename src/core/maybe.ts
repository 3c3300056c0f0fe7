/**
 * Values that are there now, or later. Only JSONata evaluates asynchronously (its `evaluate` returns a
 * promise); every JSONPath state, path, template and intrinsic answers at once. So the core returns a
 * plain value wherever no JSONata expression was evaluated, and a promise only where one was. With an
 * `async` function per state and per step, bench/workflows/order.json made some 150 promises per
 * execution; answering at once took it from ~9 500 to ~12 400 executions/s (profiled alone) and from
 * 5.3× to 7.9× aws-local-stepfunctions' throughput.
 *
 * A Json value is never a promise, so `instanceof Promise` tells the two apart; JSONata answers with
 * native promises (our own async functions wrap whatever it returns).
 *
 * Not named `then`: a module exporting `then` is a thenable namespace, which `await import()` and
 * vitest's module runner unwrap as if it were a promise (the import then fails with the function).
 */
export type Maybe<T> = T | Promise<T>;

/** Calls `next` with the value now, or once the promise settles. */
export function andThen<T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
