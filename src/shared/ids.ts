import { v7 } from 'uuid';

/**
 * A new execution or branch id: a UUID version 7 (RFC 9562), whose first 48 bits are the creation
 * time in milliseconds and the rest random. Ids made one after another sort one after another, so
 * the rows and history events of new executions land at the right-hand edge of their indexes
 * (executions_pkey, history_pkey, jobs_execution_id_idx) instead of on random pages: fewer
 * pages dirtied and written per step. Ids reveal when the execution was created, which its
 * startDate shows anyway; they are not secrets (task tokens are).
 */
export const newExecutionId = (): string => v7();
