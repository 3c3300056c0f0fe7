/** Task tokens: only their SHA-256 is stored; a token answers once, before it expires. */
import { createHash } from 'node:crypto';
import type { Queryable } from './connection.ts';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface TaskTokenRow {
  executionId: string;
  stateName: string;
  invocationId: string;
  attempt: number;
  expiresAt: Date | null;
  usedAt: Date | null;
  /** Set when the task ended without an answer through this token (timeout, stop): it expired rather than was used. */
  retiredAt: Date | null;
}

export async function insertTaskToken(
  sql: Queryable,
  t: { token: string; executionId: string; stateName: string; invocationId: string; attempt: number; expiresAt: Date | null },
): Promise<void> {
  await sql.unsafe(
    `insert into nightshift.task_tokens (token_hash, execution_id, state_name, invocation_id, attempt, expires_at)
     values ($1, $2, $3, $4, $5, $6)`,
    [hashToken(t.token), t.executionId, t.stateName, t.invocationId, t.attempt, t.expiresAt] as never,
    { prepare: true },
  );
}

type TokenRecord = { execution_id: string; state_name: string; invocation_id: string; attempt: number; expires_at: Date | null; used_at: Date | null; retired_at: Date | null };
const toToken = (r: TokenRecord): TaskTokenRow => ({
  executionId: r.execution_id, stateName: r.state_name, invocationId: r.invocation_id, attempt: r.attempt, expiresAt: r.expires_at, usedAt: r.used_at,
  retiredAt: r.retired_at,
});

// task_tokens_pkey.
export async function findTaskToken(sql: Queryable, token: string): Promise<TaskTokenRow | null> {
  const [row] = await sql.unsafe<TokenRecord[]>('select * from nightshift.task_tokens where token_hash = $1', [hashToken(token)], { prepare: true });
  return row ? toToken(row) : null;
}

/** Marks the token used; null when it is unknown, already used or expired (the caller tells which). */
export async function consumeTaskToken(sql: Queryable, token: string, now: Date): Promise<TaskTokenRow | null> {
  return consumeTaskTokenHash(sql, hashToken(token), now);
}

// task_tokens_pkey.
export async function consumeTaskTokenHash(sql: Queryable, tokenHash: string, now: Date): Promise<TaskTokenRow | null> {
  const [row] = await sql.unsafe<TokenRecord[]>(
    `update nightshift.task_tokens set used_at = $2
     where token_hash = $1 and used_at is null and (expires_at is null or expires_at > $2)
     returning *`,
    [tokenHash, now] as never,
    { prepare: true },
  );
  return row ? toToken(row) : null;
}

// task_tokens' execution foreign key index is not needed: tokens of a task that ended without their
// answer (timeout, heartbeat timeout, stop) are retired here; an answer then gets TASK_TOKEN_EXPIRED.
export async function retireTaskTokens(sql: Queryable, executionId: string, invocationId: string, now: Date): Promise<void> {
  await sql.unsafe(
    `update nightshift.task_tokens set used_at = $3, retired_at = $3 where execution_id = $1 and invocation_id = $2 and used_at is null`,
    [executionId, invocationId, now] as never,
    { prepare: true },
  );
}
