/**
 * `sql:query`: parameterized SQL inside the step's transaction, exactly once with the step, under the
 * execution's identity so row-level security applies (or as the engine when the workflow says
 * `ignorePrivacyRules: true`). Input `{sql, params?}`, result `{rows, rowCount}`; failures are
 * `Sql.<SQLSTATE>` (raised by the runtime, which owns the transaction).
 */
import { isJsonObject, type Json } from '../shared/index.ts';
import { TaskFailure, type ResourceHandler, type TransactionalHandler } from './resource.ts';

function readInput(input: Json): { sql: string; params: Json[] } {
  if (!isJsonObject(input) || typeof input.sql !== 'string' || input.sql.trim() === '') {
    throw new TaskFailure('Sql.InvalidInput', 'sql:query needs {sql: "<statement with $1, $2…>", params?: [...]}');
  }
  const params = input.params ?? [];
  if (!Array.isArray(params)) throw new TaskFailure('Sql.InvalidInput', 'params must be an array (the values of $1, $2, …)');
  return { sql: input.sql, params: params.map((p) => (p !== null && typeof p === 'object' ? JSON.stringify(p) : p)) };
}

export const sqlQuery: TransactionalHandler = async (input, _context, db) => {
  const { sql, params } = readInput(input);
  const { rows, rowCount } = await db.query(sql, params);
  return { rows, rowCount };
};

/** Transient executions have no step transaction to run in. */
export const sqlQueryOutsideSteps: ResourceHandler = () => {
  throw new TaskFailure('Sql.Unsupported', 'sql:query runs inside the steps of persistent executions; this execution is transient');
};
