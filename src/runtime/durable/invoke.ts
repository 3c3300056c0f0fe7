/**
 * Running an `invoke` job: the resource is called outside any transaction (at-least-once, with the
 * idempotency key `<execution>:<state>:<attempt>`), the job's lease is renewed while it runs, and the
 * result is recorded by a step that deletes the job in the same transaction. If the job disappears
 * (the task timed out, the execution stopped) or the lease is lost, the call is aborted.
 */
import { failureOf, idempotencyKeyOf, type InvocationContext, type ResourceRegistry } from '../../resources/index.ts';
import { completeJobs, extendLeases, type ClaimedJob } from '../../store/index.ts';
import type { Json, Logger } from '../../shared/index.ts';
import type { StepEvent } from '../../core/index.ts';
import { LeaseLost, type CommitContext, type Delivery, type DeliveryOutcome } from './commit.ts';
import type { InvokePayload } from './effects.ts';

export interface InvokeContext extends CommitContext {
  registry: ResourceRegistry;
  leaseMs: number;
  logger: Logger;
  /** Queues an event for an execution as a job of its own (heartbeats). */
  enqueueEvent(executionId: string, event: StepEvent): Promise<void>;
  /** Records events in a step transaction (the worker's group commit). */
  deliver(executionId: string, items: Delivery['items']): Promise<DeliveryOutcome>;
}

/** Records the call's outcome with the step that deletes its job; refused once the lease is lost. */
async function record(ctx: InvokeContext, executionId: string, event: StepEvent, jobId: number): Promise<void> {
  const outcome = await ctx.deliver(executionId, [{ event, jobId }]);
  if (outcome.delivered === 0) throw new LeaseLost(jobId);
}

export async function runInvokeJob(ctx: InvokeContext, job: ClaimedJob): Promise<void> {
  const payload = job.payload as unknown as InvokePayload;
  const executionId = job.executionId as string;
  const handler = ctx.registry.get(payload.resource);
  if (!handler) {
    const event: StepEvent = { type: 'taskFailed', invocationId: payload.invocationId, error: 'States.Runtime', cause: `No resource is registered as '${payload.resource}'` };
    await record(ctx, executionId, event, job.id);
    return;
  }
  const controller = new AbortController();
  const renew = async () => {
    const held = await extendLeases(ctx.sql, ctx.workerId, [job.id], ctx.leaseMs, new Date(ctx.clock.now())).catch(() => null);
    if (held && held.length === 0) controller.abort(new Error('the task was called off (timed out, stopped, or taken over)'));
  };
  const timer = setInterval(() => void renew(), Math.max(50, Math.floor(ctx.leaseMs / 3)));
  const context: InvocationContext = {
    executionId,
    workflowName: payload.workflowName,
    stateName: payload.stateName,
    attempt: payload.attempt,
    idempotencyKey: idempotencyKeyOf(executionId, payload.stateName, payload.entry, payload.attempt),
    taskToken: payload.taskToken,
    signal: controller.signal,
    heartbeat: () => {
      void renew();
      void ctx.enqueueEvent(executionId, { type: 'taskHeartbeat', invocationId: payload.invocationId }).catch((e) =>
        ctx.logger.warn({ executionId, error: String(e) }, 'heartbeat not recorded'),
      );
    },
    identity: payload.identity,
  };
  let event: StepEvent;
  try {
    const output = await Promise.race([
      Promise.resolve().then(() => handler(payload.input, context)),
      new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })),
    ]);
    event = { type: 'taskSucceeded', invocationId: payload.invocationId, output: (output === undefined ? null : output) as Json };
  } catch (thrown) {
    if (controller.signal.aborted) {
      clearInterval(timer);
      return;
    }
    event = { type: 'taskFailed', invocationId: payload.invocationId, ...failureOf(thrown) };
  } finally {
    clearInterval(timer);
  }
  if (payload.taskToken && event.type === 'taskSucceeded') {
    // The execution waits for the token, not for this call: the job is done, the state goes on waiting.
    await completeJobs(ctx.sql, ctx.workerId, [job.id]);
    return;
  }
  await record(ctx, executionId, event, job.id);
}
