/** Verbs: answer a task token (success, failure, heartbeat). A token answers once, before it expires. */
import { consumeTaskToken, findTaskToken } from '../store/index.ts';
import { EngineError, type Json } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { checkPayloadSize } from './input-schema.ts';

async function explainRefusal(deps: ServiceDeps, token: string): Promise<never> {
  const row = await findTaskToken(deps.sql, token);
  if (!row) throw new EngineError('TASK_TOKEN_NOT_FOUND', 'This task token is not one Nightshift handed out');
  if (row.retiredAt) {
    throw new EngineError('TASK_TOKEN_EXPIRED', 'This task token expired: its task ended without it (the state timed out, or the execution was stopped)');
  }
  if (row.usedAt) throw new EngineError('TASK_TOKEN_USED', 'This task token was already answered');
  throw new EngineError('TASK_TOKEN_EXPIRED', 'This task token expired with its state\'s timeout');
}

export async function sendTaskSuccess(deps: ServiceDeps, token: string, output: Json): Promise<{ executionId: string }> {
  checkPayloadSize(output, '/output', 'The task output');
  const row = await consumeTaskToken(deps.sql, token, new Date(deps.clock.now()));
  if (!row) return explainRefusal(deps, token);
  await deps.runtime.enqueueEvent(row.executionId, { type: 'taskSucceeded', invocationId: row.invocationId, output });
  return { executionId: row.executionId };
}

export async function sendTaskFailure(deps: ServiceDeps, token: string, failure: { error?: string; cause?: string }): Promise<{ executionId: string }> {
  checkPayloadSize(failure.error ?? null, '/error', 'The error');
  checkPayloadSize(failure.cause ?? null, '/cause', 'The cause');
  const row = await consumeTaskToken(deps.sql, token, new Date(deps.clock.now()));
  if (!row) return explainRefusal(deps, token);
  await deps.runtime.enqueueEvent(row.executionId, { type: 'taskFailed', invocationId: row.invocationId, error: failure.error ?? 'States.TaskFailed', cause: failure.cause });
  return { executionId: row.executionId };
}

export async function sendTaskHeartbeat(deps: ServiceDeps, token: string): Promise<{ executionId: string }> {
  const row = await findTaskToken(deps.sql, token);
  if (!row || row.usedAt || (row.expiresAt && row.expiresAt.getTime() <= deps.clock.now())) return explainRefusal(deps, token);
  await deps.runtime.enqueueEvent(row.executionId, { type: 'taskHeartbeat', invocationId: row.invocationId });
  return { executionId: row.executionId };
}
