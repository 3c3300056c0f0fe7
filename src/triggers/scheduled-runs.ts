/**
 * The job handlers behind scheduled runs:
 * - `scheduled-start` `{runId}`: starts the run's execution with the idempotency key
 *   `scheduled:<run id>` (its own transaction: the runtime runs the first step with it), then, in one
 *   statement, completes the job, marks the run STARTED and counts it in its batch. A repeat after
 *   a crash or a lost lease starts nothing new: the key returns the first execution, and only a
 *   SCHEDULED run is marked. `{batchId}`: starts a finished batch's on-complete workflow, once.
 * - `execution-ended` `{executionId, status}`: counts how the execution of a batch's run ended, and
 *   in a sequential batch lets the next item start (only batch runs are started with notifyOnEnd).
 *   Executions that no scheduled run started are not ours: the job is completed, nothing else happens.
 * Each handler completes its job in the transaction (or the single statement) that writes its
 * effects; if the job is gone (the lease was taken over), it writes nothing.
 */
import {
  advanceBatch,
  advanceBatches,
  batchView,
  scheduledRunRequest,
  startDueRunsTogether,
  startExecution,
  type DueRun,
  wakeFlowAdmission,
  type ServiceDeps,
} from '../service/index.ts';
import {
  changeBatchCounters,
  completeJobs,
  finishExecutionsEnded,
  finishScheduledStart,
  getScheduledBatch,
  getScheduledRun,
  getScheduledRuns,
  markBatchCompletion,
  markRunRefused,
  decodePayload,
  executionEndedFormat,
  jobKinds,
  scheduledStartFormat,
  type ClaimedJob,
  type EndedExecution,
  type ExecutionEndedPayload,
  type JobHandler,
  type Queryable,
  type ScheduledRunRow,
} from '../store/index.ts';
import { isEngineError, isJsonObject, isUuid, type ErrorCode, type Json } from '../shared/index.ts';

/** Start refusals that no retry can cure: the run is cancelled with the reason instead. */
const refusals = new Set<ErrorCode>(['WORKFLOW_NOT_FOUND', 'WORKFLOW_ARCHIVED', 'INPUT_INVALID', 'PAYLOAD_TOO_LARGE', 'CHAIN_LIMIT_EXCEEDED', 'CONFLICT']);

/** The handlers to give the DurableRuntime (`jobHandlers`), built on the service deps. */
export function scheduledRunJobHandlers(deps: ServiceDeps): Record<string, JobHandler> {
  const startOne = (job: ClaimedJob, workerId: string): Promise<void> => {
    const payload = decodePayload(scheduledStartFormat, job);
    return 'batchId' in payload ? startBatchCompletion(deps, job, workerId, payload.batchId) : startScheduledRun(deps, job, workerId, payload.runId);
  };
  return {
    [jobKinds.scheduledStart]: Object.assign(startOne, { batch: (jobs: ClaimedJob[], workerId: string) => startMany(deps, jobs, workerId, startOne) }),
    [jobKinds.executionEnded]: Object.assign((job: ClaimedJob, workerId: string) => recordExecutionsEnded(deps, [job], workerId), {
      batch: (jobs: ClaimedJob[], workerId: string) => recordExecutionsEnded(deps, jobs, workerId),
    }),
  };
}

/**
 * Start jobs claimed together: the plain runs start in one transaction (service/scheduled-starts.ts),
 * the others one by one. If the shared transaction fails, every job takes the one-by-one path.
 */
async function startMany(deps: ServiceDeps, jobs: ClaimedJob[], workerId: string, startOne: JobHandler): Promise<void> {
  const runIds = new Map<number, string>();
  for (const job of jobs) {
    // A payload that does not decode takes the one-by-one path, where it fails alone.
    const runId = (job.payload as { runId?: unknown }).runId;
    if (typeof runId === 'string' && isUuid(runId) && decodes(job)) runIds.set(job.id, runId);
  }
  const runs = new Map((await getScheduledRuns(deps.sql, [...runIds.values()])).map((run) => [run.id, run]));
  const due: DueRun[] = jobs.flatMap((job) => {
    const run = runs.get(runIds.get(job.id) ?? '');
    return run ? [{ jobId: job.id, run }] : [];
  });
  let rest = jobs;
  try {
    const left = new Set((await startDueRunsTogether(deps, due, workerId)).map((d) => d.jobId));
    rest = jobs.filter((job) => left.has(job.id) || !runIds.has(job.id) || !runs.has(runIds.get(job.id) ?? ''));
  } catch {
    // Retried below, one by one: each job then succeeds or fails on its own.
  }
  // As if claimed alone: concurrently, and a failure hands back only the jobs still held (the worker's release).
  const failed = (await Promise.allSettled(rest.map((job) => startOne(job, workerId)))).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function decodes(job: ClaimedJob): boolean {
  try {
    decodePayload(scheduledStartFormat, job);
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` in a transaction that first completes the job; nothing is written when the job is no longer held. */
async function withJob(deps: ServiceDeps, job: ClaimedJob, workerId: string, work: (tx: Queryable, now: Date) => Promise<void>): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const held = await completeJobs(tx, workerId, [job.id]);
    if (held.length === 0) return;
    await work(tx, new Date(deps.clock.now()));
  });
}

/** Starts the execution, or answers why it may never start. */
async function start(deps: ServiceDeps, run: ScheduledRunRow): Promise<{ executionId: string } | { refused: string }> {
  try {
    const view = await startExecution(deps, scheduledRunRequest(run));
    return { executionId: view.executionId };
  } catch (e) {
    if (isEngineError(e) && refusals.has(e.code)) return { refused: `${e.code}: ${e.message}` };
    throw e;
  }
}

async function startScheduledRun(deps: ServiceDeps, job: ClaimedJob, workerId: string, runId: string): Promise<void> {
  const run = await getScheduledRun(deps.sql, runId);
  if (!run || run.status !== 'SCHEDULED') {
    // Cancelled while its job was being enqueued (a sequential batch's next item): let the batch go on.
    await withJob(deps, job, workerId, async (tx, now) => {
      if (run?.batchId) await advanceBatches(tx, [run.batchId], now);
    });
    return;
  }
  const outcome = await start(deps, run);
  if ('executionId' in outcome) {
    // One statement (scheduled-run-jobs.ts says why). If the execution's end was counted first, it marks nothing.
    await finishScheduledStart(deps.sql, { jobId: job.id, workerId, runId: run.id, executionId: outcome.executionId, now: new Date(deps.clock.now()) });
    return;
  }
  await withJob(deps, job, workerId, async (tx, now) => {
    if (!(await markRunRefused(tx, run.id, outcome.refused, now)) || !run.batchId) return;
    const batch = await changeBatchCounters(tx, run.batchId, { cancelled: 1 });
    if (batch) await advanceBatch(tx, batch, now);
  });
}

/**
 * execution-ended jobs claimed together: flow control is woken once per workflow, and the ends are
 * counted in one statement, one execution's end at a time (a redriven execution may end twice: its
 * second end waits for the next statement). A job whose payload this release cannot read is handed back (the others are recorded).
 */
async function recordExecutionsEnded(deps: ServiceDeps, jobs: readonly ClaimedJob[], workerId: string): Promise<void> {
  const workflows = new Set<string>();
  const ended: EndedExecution[] = [];
  let undecoded: unknown = null;
  for (const job of jobs) {
    let payload: ExecutionEndedPayload;
    try {
      payload = decodePayload(executionEndedFormat, job);
    } catch (e) {
      undecoded ??= e;
      continue;
    }
    const { executionId, status, workflow } = payload;
    workflows.add(workflow);
    if (!isUuid(executionId)) await withJob(deps, job, workerId, async () => {});
    else ended.push({ jobId: job.id, executionId, status });
  }
  // Flow control: the ended executions may have freed slots that waiting starts need.
  for (const workflow of workflows) await wakeFlowAdmission(deps, workflow);
  for (const round of distinctRounds(ended, (e) => e.executionId)) {
    await finishExecutionsEnded(deps.sql, { ended: round, workerId, now: new Date(deps.clock.now()) });
  }
  // The worker hands back the jobs still held: those whose payload this release cannot read.
  if (undecoded) throw undecoded;
}

/** The items in rounds in which no key repeats, each item in the first round its key is free. */
function distinctRounds<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const rounds: Array<{ keys: Set<string>; items: T[] }> = [];
  for (const item of items) {
    let round = rounds.find((r) => !r.keys.has(key(item)));
    if (!round) rounds.push((round = { keys: new Set(), items: [] }));
    round.keys.add(key(item));
    round.items.push(item);
  }
  return rounds.map((r) => r.items);
}

/** The on-complete workflow of a finished batch, with the batch's counters added to its input. */
async function startBatchCompletion(deps: ServiceDeps, job: ClaimedJob, workerId: string, batchId: string): Promise<void> {
  const batch = await getScheduledBatch(deps.sql, batchId);
  if (!batch || batch.onCompleteWorkflow === null || batch.onCompleteStartedAt !== null) {
    await withJob(deps, job, workerId, async () => {});
    return;
  }
  const { onComplete: _, createdAt: __, ...counters } = batchView(batch);
  const input: Json = { ...(isJsonObject(batch.onCompleteInput) ? batch.onCompleteInput : {}), batch: counters as unknown as Json };
  let outcome: { executionId: string | null; error: string | null };
  try {
    const view = await startExecution(deps, { workflow: batch.onCompleteWorkflow, input, idempotencyKey: `batch:${batch.id}` });
    outcome = { executionId: view.executionId, error: null };
  } catch (e) {
    if (!isEngineError(e) || !refusals.has(e.code)) throw e;
    outcome = { executionId: null, error: `${e.code}: ${e.message}` };
  }
  await withJob(deps, job, workerId, async (tx, now) => {
    await markBatchCompletion(tx, batch.id, outcome, now);
  });
}
