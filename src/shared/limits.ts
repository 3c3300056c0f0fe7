/**
 * The engine's configurable limits (nightshift.yaml `limits:`), with their defaults. Each one refuses
 * with its own stable code (docs/limits.md lists them): the API and the service read the same object,
 * so a limit holds whichever way a request comes in.
 */
export interface Limits {
  /** Bytes of one HTTP request body; above: 413 REQUEST_TOO_LARGE. */
  maxRequestBytes: number;
  /** Bytes of the body of `POST /v1/workflows/{name}/schedule` (a list of up to maxListItems inputs). */
  maxListRequestBytes: number;
  /** Items one page of a list may hold (`limit` of executions, the Scheduler, schedules); above: 400 PAGE_LIMIT_EXCEEDED. */
  maxPageSize: number;
  /** History events one request may return (`limit` of an execution's history); above: 400 PAGE_LIMIT_EXCEEDED. */
  maxHistoryPageSize: number;
  /** Items one scheduled list may have; above: 400 LIST_TOO_LONG. */
  maxListItems: number;
  /** Most workflow:start hops from a chain's root; above: CHAIN_LIMIT_EXCEEDED. */
  maxDepth: number;
  /** Most executions one chain (one root) may have in all; above: CHAIN_LIMIT_EXCEEDED. */
  maxRunsPerChain: number;
  /** Starts a minute for API keys created without a rate limit of their own; null: none. Above: 429 RATE_LIMITED. */
  keyStartsPerMinute: number | null;
  /** History events one execution (or branch) row may reach; a step past it fails the row with States.Runtime. */
  maxHistoryEvents: number;
  /** Bytes of one workflow file; above: the problem DEFINITION_TOO_LARGE, checked before the file is parsed. */
  maxDefinitionBytes: number;
  /** States of one definition, every nesting level counted; above: DEFINITION_TOO_LARGE, checked before validation. */
  maxDefinitionStates: number;
}

export const defaultLimits: Readonly<Limits> = Object.freeze({
  // Above the 256 KiB payload limit, so an input over that answers with its own code and message.
  maxRequestBytes: 1024 * 1024,
  maxListRequestBytes: 64 * 1024 * 1024,
  maxPageSize: 500,
  maxHistoryPageSize: 10_000,
  // One list, one statement: 100 000 items are stored in 1.5 to 3.5 s on the development machine.
  maxListItems: 100_000,
  maxDepth: 100,
  maxRunsPerChain: 10_000,
  keyStartsPerMinute: null,
  // Step Functions' limit: an execution whose history would pass 25 000 events fails.
  maxHistoryEvents: 25_000,
  // Step Functions' limit on a definition is 1 MiB too. 10 000 states validate in ~0.15 s (docs/limits.md).
  maxDefinitionBytes: 1024 * 1024,
  maxDefinitionStates: 10_000,
});

/** The limits in force: the defaults, with what was configured over them. */
export function limitsOf(configured: Partial<Limits> | undefined): Limits {
  return configured ? { ...defaultLimits, ...configured } : defaultLimits;
}
