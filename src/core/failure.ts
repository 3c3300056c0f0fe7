/**
 * ASL errors are data: `{error, cause}` flows through Retry and Catch. Inside the core, evaluation code
 * throws a StatesError so that deep helpers (paths, intrinsics, JSONata) can stop at once; the state that
 * ran them turns it back into data.
 */
export interface Failure {
  error: string;
  cause?: string;
}

export class StatesError extends Error {
  readonly error: string;
  readonly causeText: string | undefined;

  constructor(error: string, cause?: string) {
    super(cause === undefined ? error : `${error}: ${cause}`);
    this.name = 'StatesError';
    this.error = error;
    this.causeText = cause;
  }

  toFailure(): Failure {
    return this.causeText === undefined ? { error: this.error } : { error: this.error, cause: this.causeText };
  }
}

/**
 * The predefined error names of the specification. `matchedByAll`: a Retrier or Catcher naming States.ALL
 * matches it. `matchable`: some Retrier or Catcher may match it at all (by its own name). The spec makes
 * States.Runtime always fatal, and States.DataLimitExceeded terminal for States.ALL.
 */
export const statesErrorNames = {
  'States.ALL': { matchedByAll: true, matchable: true },
  'States.HeartbeatTimeout': { matchedByAll: true, matchable: true },
  'States.Timeout': { matchedByAll: true, matchable: true },
  'States.TaskFailed': { matchedByAll: true, matchable: true },
  'States.Permissions': { matchedByAll: true, matchable: true },
  'States.ResultPathMatchFailure': { matchedByAll: true, matchable: true },
  'States.ParameterPathFailure': { matchedByAll: true, matchable: true },
  'States.QueryEvaluationError': { matchedByAll: true, matchable: true },
  'States.BranchFailed': { matchedByAll: true, matchable: true },
  'States.NoChoiceMatched': { matchedByAll: true, matchable: true },
  'States.IntrinsicFailure': { matchedByAll: true, matchable: true },
  'States.ExceedToleratedFailureThreshold': { matchedByAll: true, matchable: true },
  'States.ItemReaderFailed': { matchedByAll: true, matchable: true },
  'States.ResultWriterFailed': { matchedByAll: true, matchable: true },
  'States.Runtime': { matchedByAll: false, matchable: false },
  'States.DataLimitExceeded': { matchedByAll: false, matchable: true },
} as const;

export type StatesErrorName = keyof typeof statesErrorNames;
