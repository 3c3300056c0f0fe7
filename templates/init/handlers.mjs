// In-code resources: a Task whose Resource is a name here calls the function with the Task's
// parameters and a context (executionId, stateName, attempt, idempotencyKey, signal, heartbeat).
// Throw TaskFailure(error, cause) to fail with an error name that Retry and Catch match.
export const resources = {
  greet: async (input) => ({ message: `Welcome, ${input.name}!` }),
};
