/** Step Functions' payload limit: inputs, outputs and results of at most 256 KiB. */
export const maxPayloadBytes = 256 * 1024;

/** Transitions one step() may make before it yields (a `continue` command), so no loop can hog a worker. */
export const maxTransitionsPerStep = 500;
