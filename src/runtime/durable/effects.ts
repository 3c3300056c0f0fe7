/**
 * What one step transaction writes besides the execution row: jobs to enqueue, jobs to call off,
 * task tokens, branches. Commands of the core become these; `commit.ts` writes them all at once.
 */
import type { Command, StepEvent } from '../../core/index.ts';
import { idempotencyKeyOf, type InvocationContext, type ResourceRegistry, type TransactionalHandler } from '../../resources/index.ts';
import {
  withIdentity,
  abortBranches,
  branchResults,
  consumeTaskTokenHash,
  executionEndedFormat,
  insertBranches,
  insertTaskToken,
  retireTaskTokens,
  startBranches,
  type ExecutionRow,
  type NewJob,
  type Queryable,
} from '../../store/index.ts';
import { newExecutionId, type Json } from '../../shared/index.ts';
import { failedChildResult, stepJobFormat, type Snapshot } from '../../core/index.ts';
import { sqlFailure, sqlIdentityOf } from '../sql-task.ts';
import { invokeJobFormat } from './job-formats.ts';

export const jobKeys = {
  invoke: (threadId: string, invocationId: string) => `invoke:${threadId}:${invocationId}`,
  timer: (threadId: string, timerId: string) => `timer:${threadId}:${timerId}`,
  childEnded: (childId: string) => `child:${childId}`,
};

export class Effects {
  readonly jobs: NewJob[] = [];
  readonly cancelKeys: string[] = [];
  /** Events for the same thread that must be stepped in this transaction (collected results). */
  readonly followUps: StepEvent[] = [];

  constructor(
    private readonly tx: Queryable,
    private readonly row: ExecutionRow,
    private readonly now: Date,
    private readonly options: { registry?: ResourceRegistry; ignorePrivacyRules: boolean } = { ignorePrivacyRules: false },
  ) {}

  private stepJob(executionId: string, event: StepEvent, runAt: Date, dedupeKey: string | null = null): void {
    this.jobs.push({ kind: 'step', executionId, payload: stepJobFormat.encode({ event }), runAt, dedupeKey });
  }

  async apply(command: Command, snapshot: Snapshot): Promise<void> {
    const { row, now, tx } = this;
    switch (command.type) {
      case 'invoke': {
        const transactional = this.options.registry?.getTransactional(command.resource);
        if (transactional && !command.taskToken) return this.runInStep(transactional, command);
        const payload = invokeJobFormat.encode({
          invocationId: command.invocationId, resource: command.resource, input: command.input, stateName: command.stateName,
          entry: command.entry, attempt: command.attempt, taskToken: command.taskToken, workflowName: row.workflowName, identity: row.identity,
          ...(row.traceparent ? { traceparent: row.traceparent } : {}),
          ...(command.authored === null ? {} : { authored: command.authored }),
        });
        this.jobs.push({ kind: 'invoke', executionId: row.id, payload, runAt: now, dedupeKey: jobKeys.invoke(row.id, command.invocationId), resource: command.resource });
        if (command.taskToken) {
          const expiresAt = command.timeoutSeconds === null ? null : new Date(now.getTime() + command.timeoutSeconds * 1000);
          await insertTaskToken(tx, { token: command.taskToken, executionId: row.id, stateName: command.stateName, invocationId: command.invocationId, attempt: command.attempt, expiresAt });
        }
        return;
      }
      case 'cancelInvocation':
        this.cancelKeys.push(jobKeys.invoke(row.id, command.invocationId));
        await retireTaskTokens(tx, row.id, command.invocationId, now);
        return;
      case 'wakeAt':
        return this.stepJob(row.id, { type: 'timerFired', timerId: command.timerId }, new Date(command.at), jobKeys.timer(row.id, command.timerId));
      case 'cancelTimer':
        this.cancelKeys.push(jobKeys.timer(row.id, command.timerId));
        return;
      case 'createChildren':
        return insertBranches(tx, row, {
          groupId: command.groupId, ids: command.inputs.map(() => newExecutionId()), machineIds: command.machineIds,
          inputs: command.inputs, outerVars: command.outerVars, now,
        });
      case 'startChildren': {
        const started = await startBranches(tx, row.id, command.groupId, command.from, command.count, now);
        // The branch's input and outer variables are in its row; the job only says "start".
        for (const child of started) this.stepJob(child.id, { type: 'start', input: null }, now);
        return;
      }
      case 'collectResults': {
        const results = (await branchResults(tx, row.id, command.groupId)).map((r) =>
          r.status === 'SUCCEEDED' ? (r.output as Json) : failedChildResult(r.error ?? 'States.Runtime', r.cause ?? undefined),
        );
        this.followUps.push({ type: 'childrenCollected', groupId: command.groupId, results });
        return;
      }
      case 'cancelChildren':
        for (const id of await abortBranches(tx, row.id, command.groupId, now)) {
          this.stepJob(id, { type: 'stop', error: 'States.BranchFailed', cause: 'A sibling failed' }, now);
        }
        return;
      case 'continue':
        return this.stepJob(row.id, { type: 'continue' }, now);
      case 'complete':
      case 'fail':
        return this.ended(command);
    }
  }

  /**
   * A transactional resource (sql:query) runs now, in this transaction, under the execution's identity:
   * its work commits with the step that records its result, or not at all.
   */
  private async runInStep(handler: TransactionalHandler, command: Extract<Command, { type: 'invoke' }>): Promise<void> {
    const { row, tx } = this;
    const context: InvocationContext = {
      executionId: row.id, workflowName: row.workflowName, stateName: command.stateName, attempt: command.attempt,
      idempotencyKey: idempotencyKeyOf(row.id, command.stateName, command.entry, command.attempt), taskToken: null,
      signal: new AbortController().signal, heartbeat: () => {}, identity: row.identity, authored: command.authored,
    };
    let event: StepEvent;
    try {
      const identity = this.options.ignorePrivacyRules ? null : sqlIdentityOf(row.identity);
      const timeoutMs = command.timeoutSeconds === null ? null : command.timeoutSeconds * 1000;
      const output = await withIdentity(tx, identity, timeoutMs, (query) => handler(command.input, context, { query }));
      event = { type: 'taskSucceeded', invocationId: command.invocationId, output };
    } catch (thrown) {
      event = { type: 'taskFailed', invocationId: command.invocationId, ...sqlFailure(thrown) };
    }
    this.followUps.push(event);
  }

  /** A branch tells its parent; an execution started by a workflow tells the workflow that waits for it. */
  private async ended(command: Extract<Command, { type: 'complete' | 'fail' }>): Promise<void> {
    const { row, now } = this;
    if (row.callbackTokenHash) {
      const token = await consumeTaskTokenHash(this.tx, row.callbackTokenHash, now);
      if (token) {
        const event: StepEvent =
          command.type === 'complete'
            ? { type: 'taskSucceeded', invocationId: token.invocationId, output: command.output }
            : { type: 'taskFailed', invocationId: token.invocationId, error: command.error, cause: command.cause };
        this.stepJob(token.executionId, event, now);
      }
    }
    if (row.notifyOnEnd) {
      const status = command.type === 'complete' ? 'SUCCEEDED' : command.status;
      this.jobs.push({ kind: 'execution-ended', executionId: row.id, payload: executionEndedFormat.encode({ executionId: row.id, workflow: row.workflowName, status }), runAt: now, dedupeKey: `ended:${row.id}:${row.eventCount}` });
    }
    if (row.kind !== 'branch' || row.parentId === null || row.groupId === null || row.childIndex === null) return;
    const event: StepEvent =
      command.type === 'complete'
        ? { type: 'childSucceeded', groupId: row.groupId, index: row.childIndex }
        : { type: 'childFailed', groupId: row.groupId, index: row.childIndex, error: command.error, cause: command.cause };
    this.stepJob(row.parentId, event, now, jobKeys.childEnded(row.id));
  }
}
