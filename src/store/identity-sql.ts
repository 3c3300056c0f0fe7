/**
 * User SQL (the `sql:query` resource) inside the step's transaction, under the execution's identity:
 * `SET LOCAL ROLE` to its role and `request.jwt.claims` set as PostgREST and Supabase do, so row-level
 * security policies decide what it sees. A savepoint keeps a failing statement from aborting the step.
 */
import type { Json } from '../shared/index.ts';
import { PostgresError, type Queryable, type TransactionSql } from './connection.ts';
import { runUserQuery, type UserQueryResult } from './user-sql.ts';

export interface SqlIdentity {
  role: string;
  claims: Json;
}

/** A role name as an SQL identifier, quoted (never interpolated raw). */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export type { UserQueryResult } from './user-sql.ts';

/**
 * Runs `fn` in a savepoint, as `identity` (or as the engine's own role when null: ignorePrivacyRules),
 * with `statement_timeout` when given. Role and claims are reset before the savepoint is released, so
 * the rest of the step runs as the engine again.
 */
export async function withIdentity<T>(
  tx: Queryable,
  identity: SqlIdentity | null,
  timeoutMs: number | null,
  fn: (query: (text: string, params: Json[]) => Promise<UserQueryResult>) => Promise<T>,
): Promise<T> {
  // postgres.js rolls the savepoint back when the callback throws, and the step's transaction goes on.
  return (tx as TransactionSql).savepoint(async (sp) => {
    if (timeoutMs !== null) await sp.unsafe(`set local statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    if (identity) {
      await sp.unsafe(`set local role ${quoteIdentifier(identity.role)}`);
      await sp.unsafe(`select set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.role', $2, true)`, [
        JSON.stringify(identity.claims ?? {}),
        identity.role,
      ]);
    }
    const result = await fn((text, params) => runUserQuery(sp as TransactionSql, text, params));
    await sp.unsafe('reset role');
    await sp.unsafe(`select set_config('request.jwt.claims', '', true), set_config('request.jwt.claim.role', '', true)`);
    if (timeoutMs !== null) await sp.unsafe('reset statement_timeout');
    return result;
  }) as Promise<T>;
}

/** The SQLSTATE of a Postgres error (`Sql.<SQLSTATE>` in ASL), or null for anything else. */
export function sqlStateOf(error: unknown): string | null {
  return error instanceof PostgresError ? error.code : null;
}
