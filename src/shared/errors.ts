/**
 * Engine errors: exceptions raised at the edges (API, CLI, service, store) with a stable code.
 * ASL errors (States.*) are data inside the core and never use this class.
 */
export const errorCodes = {
  DEFINITION_INVALID: { http: 400, exit: 2 },
  INPUT_INVALID: { http: 400, exit: 2 },
  CONFIG_INVALID: { http: 500, exit: 2 },
  FILE_NOT_FOUND: { http: 404, exit: 2 },
  WORKFLOW_NOT_FOUND: { http: 404, exit: 3 },
  EXECUTION_NOT_FOUND: { http: 404, exit: 3 },
  API_KEY_NOT_FOUND: { http: 404, exit: 3 },
  SCHEDULE_NOT_FOUND: { http: 404, exit: 3 },
  SCHEDULED_RUN_NOT_FOUND: { http: 404, exit: 3 },
  BATCH_NOT_FOUND: { http: 404, exit: 3 },
  RESOURCE_NOT_FOUND: { http: 400, exit: 2 },
  /** An execution input or task output over 256 KiB (Step Functions' payload limit). */
  PAYLOAD_TOO_LARGE: { http: 413, exit: 2 },
  /** An HTTP request body over limits.maxRequestBytes (limits.maxListRequestBytes for a scheduled list). */
  REQUEST_TOO_LARGE: { http: 413, exit: 2 },
  /** A `limit` above limits.maxPageSize (limits.maxHistoryPageSize for a history). */
  PAGE_LIMIT_EXCEEDED: { http: 400, exit: 2 },
  /** JSON (a request body, an input, a task-token answer) nesting arrays and objects deeper than maxJsonDepth (256). */
  INPUT_TOO_DEEP: { http: 400, exit: 2 },
  /** A scheduled list with more items than limits.maxListItems. */
  LIST_TOO_LONG: { http: 400, exit: 2 },
  UNAUTHORIZED: { http: 401, exit: 4 },
  FORBIDDEN: { http: 403, exit: 4 },
  CONFLICT: { http: 409, exit: 5 },
  /** An Idempotency-Key the same caller used before with another input (Stripe's rule); the answer tells nothing of the first. */
  IDEMPOTENCY_KEY_REUSED: { http: 409, exit: 5 },
  /** A JWT or API key acting as a role not in `roles:` (nightshift.yaml), or as a superuser or BYPASSRLS role without an admin key's opt-in. */
  ROLE_NOT_ALLOWED: { http: 403, exit: 4 },
  /** A workflow-started execution would pass its chain's depth limit or runs budget (limits.maxDepth, limits.maxRunsPerChain). */
  CHAIN_LIMIT_EXCEEDED: { http: 409, exit: 5 },
  EXECUTION_NOT_RUNNING: { http: 409, exit: 5 },
  /** A start of a removed (archived) workflow; deploying it again un-archives it. */
  WORKFLOW_ARCHIVED: { http: 409, exit: 5 },
  TASK_TOKEN_NOT_FOUND: { http: 404, exit: 3 },
  TASK_TOKEN_USED: { http: 409, exit: 5 },
  TASK_TOKEN_EXPIRED: { http: 410, exit: 5 },
  UNAVAILABLE: { http: 503, exit: 6 },
  /** The database was migrated by a newer Nightshift than this process: upgrade this process (docs/upgrading.md). */
  SCHEMA_TOO_NEW: { http: 503, exit: 2 },
  /** Postgres cannot be reached (refused, restarting, connection lost): try again after Retry-After; the process reconnects by itself. */
  DATABASE_UNAVAILABLE: { http: 503, exit: 7 },
  /** The HTTP port is taken by another process: nothing was started. */
  PORT_IN_USE: { http: 500, exit: 8 },
  /** Too many starts in a minute for the API key (its rate_limit_per_minute or limits.keyStartsPerMinute), counted across every process; try again after Retry-After. */
  RATE_LIMITED: { http: 429, exit: 6 },
  /** A stored JSON document (snapshot, job payload, history event) of a format version or shape this release cannot read. */
  STORED_FORMAT_UNKNOWN: { http: 500, exit: 1 },
  INTERNAL: { http: 500, exit: 1 },
} as const satisfies Record<string, { http: number; exit: number }>;

export type ErrorCode = keyof typeof errorCodes;

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EngineError';
    this.code = code;
    this.details = options.details;
  }
}

/**
 * The brand of an EngineError, on its prototype under a key of the global symbol registry: every copy of
 * this package (a linked install, two versions in node_modules, a bundled copy) makes the same key, so
 * they recognise each other's errors, which `instanceof` cannot.
 */
const engineErrorBrand = Symbol.for('nightshift.EngineError');
Object.defineProperty(EngineError.prototype, engineErrorBrand, { value: true });

/**
 * Whether a thrown value is an EngineError, by its shape rather than its class (as isTaskFailure): the
 * brand, the name 'EngineError', a string message and a code this copy knows (a code from a newer copy
 * has no HTTP status or exit code here, so it is not taken for one).
 */
export function isEngineError(value: unknown): value is EngineError {
  if (value === null || typeof value !== 'object') return false;
  const { name, code, message } = value as { name?: unknown; code?: unknown; message?: unknown };
  return (value as { [engineErrorBrand]?: unknown })[engineErrorBrand] === true && name === 'EngineError'
    && typeof message === 'string' && typeof code === 'string' && Object.hasOwn(errorCodes, code);
}

/** Turns anything thrown into an Error without losing its message. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}
