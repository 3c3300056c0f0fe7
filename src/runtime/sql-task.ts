/**
 * sql:query's rules shared by both runtimes: who the SQL runs as (the execution's role and claims,
 * or the engine's own role under ignorePrivacyRules) and how a Postgres error becomes an ASL error.
 * The durable runtime runs it inside the step's transaction (durable/effects.ts); outside a step
 * (`nightshift execute`) it runs in a transaction of its own (createSqlQueryInOwnTransaction).
 */
import { failureOf, TaskFailure, type ResourceHandler, type TransactionalHandler } from '../resources/index.ts';
import { sqlStateOf, withIdentity, type Sql, type SqlIdentity } from '../store/index.ts';
import type { Json } from '../shared/index.ts';

const noIdentity =
  'This execution has no role to run SQL as: start it with an API key or a JWT, give its trigger a role, or mark the workflow ignorePrivacyRules: true';

/** The role and JWT claims SQL runs under; an execution without a role cannot read through privacy rules. */
export function sqlIdentityOf(identity: Json | null, hint = noIdentity): SqlIdentity {
  const value = identity as { role?: unknown; claims?: unknown } | null;
  if (!value || typeof value.role !== 'string' || value.role === '') throw new TaskFailure('Sql.NoIdentity', hint);
  return { role: value.role, claims: (value.claims ?? {}) as Json };
}

/** Postgres errors are `Sql.<SQLSTATE>`; a statement cut by TimeoutSeconds is States.Timeout. */
export function sqlFailure(thrown: unknown): { error: string; cause?: string } {
  const state = sqlStateOf(thrown);
  if (state === '57014') return { error: 'States.Timeout', cause: 'The SQL statement ran longer than the state\'s TimeoutSeconds' };
  if (state) return { error: `Sql.${state}`, cause: (thrown as Error).message };
  return failureOf(thrown);
}

export interface OwnTransactionOptions {
  /** The workflow's ignorePrivacyRules: run as the connection's own role. */
  ignorePrivacyRules: boolean;
  /** What to tell a user whose execution has no role. */
  noIdentityHint?: string;
}

/**
 * sql:query (or a named sql preset) where there is no step transaction: each call commits in a
 * transaction of its own on `sql`, under the same identity rules as in a step.
 */
export function createSqlQueryInOwnTransaction(sql: Sql, handler: TransactionalHandler, options: OwnTransactionOptions): ResourceHandler {
  return async (input, context) => {
    const identity = options.ignorePrivacyRules ? null : sqlIdentityOf(context.identity, options.noIdentityHint);
    try {
      return (await sql.begin((tx) => withIdentity(tx, identity, null, (query) => handler(input, context, { query })))) as Json;
    } catch (thrown) {
      const failure = sqlFailure(thrown);
      throw new TaskFailure(failure.error, failure.cause);
    }
  };
}
