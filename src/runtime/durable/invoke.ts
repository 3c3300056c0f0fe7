/**
 * Running an `invoke` job: the resource is called outside any transaction (at-least-once, with the
 * idempotency key `<execution>:<state>:<attempt>`), the job's lease is renewed while it runs, and the
 * result is recorded by a step that deletes the job in the same transaction. If the job disappears
 * (the task timed out, the execution stopped) or the lease is lost, the call is aborted.
 */
import { failureOf, idempotencyKeyOf, isPendingAnswer, type InvocationContext, type ResourceRegistry } from '../../resources/index.ts';
import { completeJobs, decodePayload, extendLeases, invokeJobFormat, type ClaimedJob } from '../../store/index.ts';
import type { Json, Logger } from '../../shared/index.ts';
import type { StepEvent } from '../../core/index.ts';
import { LeaseLost, type CommitContext, type Delivery, type DeliveryOutcome } from './commit.ts';

export interface InvokeContext extends CommitContext {
  registry: ResourceRegistry;
  leaseMs: number;
  logger: Logger;
  /** Queues an event for an execution as a job of its own (heartbeats). */
  enqueueEvent(executionId: string, event: StepEvent): Promise<void>;
  /** Records events in a step transaction (the worker's group commit). */
  deliver(executionId: string, items: Delivery['items'], seen?: Delivery['seen']): Promise<DeliveryOutcome>;
}

/** Records the call's outcome with the step that deletes its job; refused once the lease is lost. */
async function record(ctx: InvokeContext, executionId: string, event: StepEvent, job: ClaimedJob): Promise<void> {
  const outcome = await ctx.deliver(executionId, [{ event, jobId: job.id }], job.execution);
  if (outcome.delivered === 0) throw new LeaseLost(job.id);
}

/** Calls the job's resource and records its answer; `answered` is called once the call has settled. */
export async function runInvokeJob(ctx: InvokeContext, job: ClaimedJob, answered: () => void = () => {}): Promise<void> {
  const payload = decodePayload(invokeJobFormat, job);
  const executionId = job.executionId as string;
  const handler = ctx.registry.get(payload.resource);
  if (!handler) {
    answered();
    const event: StepEvent = { type: 'taskFailed', invocationId: payload.invocationId, error: 'States.Runtime', cause: `No resource is registered as '${payload.resource}'` };
    await record(ctx, executionId, event, job);
    return;
  }
  const call = new LeasedCall(ctx, job);
  const context: InvocationContext = {
    executionId,
    workflowName: payload.workflowName,
    stateName: payload.stateName,
    attempt: payload.attempt,
    idempotencyKey: idempotencyKeyOf(executionId, payload.stateName, payload.entry, payload.attempt),
    taskToken: payload.taskToken,
    get signal() {
      return call.signal;
    },
    heartbeat: () => {
      void call.renew();
      void ctx.enqueueEvent(executionId, { type: 'taskHeartbeat', invocationId: payload.invocationId }).catch((e) =>
        ctx.logger.warn({ executionId, error: String(e) }, 'heartbeat not recorded'),
      );
    },
    identity: payload.identity,
    // A payload written before authored text existed has none: its input is then treated as data only.
    authored: payload.authored ?? null,
  };
  const span = payload.traceparent && ctx.tracer ? ctx.tracer.open(`task ${payload.resource}`, payload.traceparent, {
    'nightshift.workflow': payload.workflowName, 'nightshift.execution_id': executionId, 'nightshift.state': payload.stateName,
    'nightshift.resource': payload.resource, 'nightshift.attempt': payload.attempt,
  }) : null;
  if (span) context.traceparent = span.traceparent;
  const started = performance.now();
  const settled = await call.run(() => handler(payload.input, context));
  answered();
  if (settled === 'aborted') {
    span?.end({ error: 'Nightshift.Aborted', cause: 'the call was called off (timeout, stop or lost lease)' });
    return;
  }
  const event: StepEvent =
    'output' in settled
      ? { type: 'taskSucceeded', invocationId: payload.invocationId, output: (settled.output === undefined ? null : settled.output) as Json }
      : { type: 'taskFailed', invocationId: payload.invocationId, ...failureOf(settled.thrown) };
  span?.end(event.type === 'taskFailed' ? { error: event.error, cause: event.cause } : undefined);
  const seconds = (performance.now() - started) / 1000;
  ctx.metrics?.taskFinished(payload.workflowName, payload.stateName, payload.resource, event.type === 'taskFailed' ? 'failed' : 'succeeded', seconds);
  if (payload.taskToken && event.type === 'taskSucceeded') {
    // The execution waits for the token, not for this call: the job is done, the state goes on waiting.
    await completeJobs(ctx.sql, ctx.workerId, [job.id]);
    return;
  }
  await record(ctx, executionId, event, job);
}

/**
 * One resource call under the job's lease. A handler that answers at once (most in-code handlers) costs
 * no timer and no AbortController (measured: ~10% of a worker's CPU per execution with one-Task
 * workflows); one that returns a promise gets the lease renewed every third of its length, and is
 * abandoned (its signal aborted) when the job is called off: timed out, stopped, or taken over.
 */
class LeasedCall {
  private controller: AbortController | null = null;

  constructor(
    private readonly ctx: InvokeContext,
    private readonly job: ClaimedJob,
  ) {}

  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  async renew(): Promise<void> {
    const { ctx, job } = this;
    const held = await extendLeases(ctx.sql, ctx.workerId, [job.id], ctx.leaseMs, new Date(ctx.clock.now())).catch(() => null);
    if (held && held.length === 0) (this.controller ??= new AbortController()).abort(new Error('the task was called off (timed out, stopped, or taken over)'));
  }

  async run(call: () => unknown): Promise<{ output: unknown } | { thrown: unknown } | 'aborted'> {
    let answer: unknown;
    try {
      answer = call();
    } catch (thrown) {
      return { thrown };
    }
    if (!isPendingAnswer(answer)) return { output: answer };
    const signal = this.signal;
    const timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.ctx.leaseMs / 3)));
    try {
      const output = await Promise.race([
        answer,
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
      ]);
      return { output };
    } catch (thrown) {
      return signal.aborted ? 'aborted' : { thrown };
    } finally {
      clearInterval(timer);
    }
  }
}
