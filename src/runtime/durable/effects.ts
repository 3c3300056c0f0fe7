/**
 * What one step transaction writes besides the execution row: jobs to enqueue, jobs to call off,
 * task tokens, branches. Commands of the core become these; `commit.ts` writes them all at once.
 */
import type { Command, CommandAppliers, StepEvent } from '../../core/index.ts';
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
  jobKeys,
  jobs,
  type ExecutionRow,
  type InvokePayload,
  type NewJob,
  type Queryable,
} from '../../store/index.ts';
import { newExecutionId, type Json } from '../../shared/index.ts';
import { failedChildResult, stepJobFormat } from '../../core/index.ts';
import { sqlFailure, sqlIdentityOf } from '../sql-task.ts';

/**
 * Thrown when a command must read or write rows of its own (branches, task tokens, sql:query) and the
 * step runs without a transaction (an unlocked step): the step is then run again on the locking path.
 */
export class NeedsTransaction extends Error {
  constructor() {
    super('this step writes rows of its own: it needs a transaction');
    this.name = 'NeedsTransaction';
  }
}

export class Effects {
  readonly jobs: NewJob[] = [];
  readonly cancelKeys: string[] = [];
  /** Events for the same thread that must be stepped in this transaction (collected results). */
  readonly followUps: StepEvent[] = [];

  constructor(
    /** The step's transaction; null for an unlocked step, which then writes only its row, history and jobs. */
    private readonly transaction: Queryable | null,
    private readonly row: ExecutionRow,
    private readonly now: Date,
    private readonly options: { registry?: ResourceRegistry; ignorePrivacyRules: boolean } = { ignorePrivacyRules: false },
  ) {}

  private get tx(): Queryable {
    if (this.transaction === null) throw new NeedsTransaction();
    return this.transaction;
  }

  private stepJob(executionId: string, event: StepEvent, runAt: Date, dedupeKey: string | null = null): void {
    this.jobs.push(jobs.step(stepJobFormat, executionId, event, runAt, dedupeKey));
  }

  async apply(command: Command): Promise<void> {
    await (this.appliers[command.type] as (effects: Effects, command: Command) => Promise<void> | void)(this, command);
  }

  /** What each command writes: one entry per command type (core's CommandAppliers; the memory runner keeps the same table). */
  private readonly appliers: CommandAppliers<Effects, Promise<void> | void> = {
    invoke: (e, command) => e.invoke(command),
    cancelInvocation: async (e, command) => {
      e.cancelKeys.push(jobKeys.invoke(e.row.id, command.invocationId));
      await retireTaskTokens(e.tx, e.row.id, command.invocationId, e.now);
    },
    wakeAt: (e, command) => e.stepJob(e.row.id, { type: 'timerFired', timerId: command.timerId }, new Date(command.at), jobKeys.timer(e.row.id, command.timerId)),
    cancelTimer: (e, command) => {
      e.cancelKeys.push(jobKeys.timer(e.row.id, command.timerId));
    },
    createChildren: (e, command) =>
      insertBranches(e.tx, e.row, {
        groupId: command.groupId, ids: command.inputs.map(() => newExecutionId()), machineIds: command.machineIds,
        inputs: command.inputs, outerVars: command.outerVars, now: e.now,
      }),
    startChildren: async (e, command) => {
      const started = await startBranches(e.tx, e.row.id, command.groupId, command.from, command.count, e.now);
      // The branch's input and outer variables are in its row; the job only says "start".
      for (const child of started) e.stepJob(child.id, { type: 'start', input: null }, e.now);
    },
    collectResults: async (e, command) => {
      const results = (await branchResults(e.tx, e.row.id, command.groupId)).map((r) =>
        r.status === 'SUCCEEDED' ? (r.output as Json) : failedChildResult(r.error ?? 'States.Runtime', r.cause ?? undefined),
      );
      e.followUps.push({ type: 'childrenCollected', groupId: command.groupId, results });
    },
    cancelChildren: async (e, command) => {
      for (const id of await abortBranches(e.tx, e.row.id, command.groupId, e.now)) {
        e.stepJob(id, { type: 'stop', error: 'States.BranchFailed', cause: 'A sibling failed' }, e.now);
      }
    },
    continue: (e) => e.stepJob(e.row.id, { type: 'continue' }, e.now),
    complete: (e, command) => e.ended(command),
    fail: (e, command) => e.ended(command),
  };

  private async invoke(command: Extract<Command, { type: 'invoke' }>): Promise<void> {
    const { row, now } = this;
    const transactional = this.options.registry?.getTransactional(command.resource);
    if (transactional && !command.taskToken) return this.runInStep(transactional, command);
    const payload: InvokePayload = {
      invocationId: command.invocationId, resource: command.resource, input: command.input, stateName: command.stateName,
      entry: command.entry, attempt: command.attempt, taskToken: command.taskToken, workflowName: row.workflowName, identity: row.identity,
      ...(row.traceparent ? { traceparent: row.traceparent } : {}),
      ...(command.authored === null ? {} : { authored: command.authored }),
    };
    this.jobs.push(jobs.invoke(row.id, payload, now));
    if (command.taskToken) {
      const expiresAt = command.timeoutSeconds === null ? null : new Date(now.getTime() + command.timeoutSeconds * 1000);
      await insertTaskToken(this.tx, { token: command.taskToken, executionId: row.id, stateName: command.stateName, invocationId: command.invocationId, attempt: command.attempt, expiresAt });
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
      this.jobs.push(jobs.executionEnded({ executionId: row.id, workflow: row.workflowName, status }, row.eventCount, now));
    }
    if (row.kind !== 'branch' || row.parentId === null || row.groupId === null || row.childIndex === null) return;
    const event: StepEvent =
      command.type === 'complete'
        ? { type: 'childSucceeded', groupId: row.groupId, index: row.childIndex }
        : { type: 'childFailed', groupId: row.groupId, index: row.childIndex, error: command.error, cause: command.cause };
    this.stepJob(row.parentId, event, now, jobKeys.childEnded(row.id));
  }
}
