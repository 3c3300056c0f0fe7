/**
 * Delivery of table changes: the `outbox-drain` job takes whole committed transactions from the
 * outbox and starts one execution per transaction and subscription, with the changes in the seed's
 * (Supabase's) shape: `{changes: [{type, schema, table, record, old_record, columns,
 * commit_timestamp}], commit_timestamp}`.
 *
 * Exactly once, with any number of workers and across crashes:
 * - Claiming locks whole transactions (store: claimOutboxTransactions), so two drainers never split
 *   one and never take the same one at the same time.
 * - The executions are started in the drain's own transaction (service startExecutions: one insert
 *   for the whole drain), which also deletes the rows: both happen or neither. Each execution's
 *   idempotency key is `table:<subscription>:<transaction id>` (xid8 never repeats) besides.
 * - There is no cursor over ids or transaction ids: a transaction that commits after a younger one
 *   (a smaller id committing later) is simply found by the next claim, never skipped.
 *
 * Order: the changes of one transaction are in the order they were made. Transactions are claimed in
 * the order of their last change, and their executions are inserted in that order, together (they run
 * concurrently anyway).
 *
 * Waking: the drain polls (every `idleMs` while idle, at once while a full batch came back). The
 * trigger does not NOTIFY: a NOTIFY in every changing transaction would cap the user's own write
 * throughput at ~3.7k commits/s for the whole cluster (PERFORMANCE.md lesson 2), a cost paid by the
 * app rather than by Nightshift. With the default 200 ms, a change starts its execution ~100 ms after
 * commit on average, for about five cheap drain transactions a second while subscriptions exist.
 */
import { startExecutions, type ServiceDeps, type StartRequest } from '../service/index.ts';
import {
  claimOutboxTransactions,
  completeJobs,
  deleteOutboxRows,
  hasTableSubscriptions,
  jobKinds,
  readOutboxRows,
  tableColumns,
  type JobHandler,
  type OutboxRow,
  type TableColumn,
  type TransactionSql,
} from '../store/index.ts';
import { silentLogger, type EngineError, type Json, type JsonObject, type Logger } from '../shared/index.ts';
import { ensureDrainJob } from './table-subscriptions.ts';

export interface TableChangeOptions {
  /** Most transactions delivered per drain transaction (default 100). */
  batchSize?: number;
  /** Delay between drains while the outbox is empty (default 200 ms). */
  idleMs?: number;
  logger?: Logger;
}

/** One execution to start: the changes one transaction made that one subscription captured. */
interface Delivery {
  txId: string;
  subscriptionId: number;
  workflowName: string;
  identity: Json | null;
  commitTimestamp: string;
  changes: JsonObject[];
}

export interface DrainResult {
  /** Transactions claimed (delivered, or dropped when undeliverable). */
  transactions: number;
  /** Executions started (an idempotent repeat counts too). */
  executions: number;
  /** Whether the batch was full: more may be waiting. */
  full: boolean;
}

function groupDeliveries(txIds: readonly string[], rows: readonly OutboxRow[], columns: Map<string, TableColumn[]>): Delivery[] {
  const byKey = new Map<string, Delivery>();
  for (const row of rows) {
    if (row.workflowName === null) continue;
    const key = `${row.txId}/${row.subscriptionId}`;
    const commitTimestamp = row.commitTimestamp.toISOString();
    let delivery = byKey.get(key);
    if (!delivery) {
      delivery = { txId: row.txId, subscriptionId: row.subscriptionId, workflowName: row.workflowName, identity: row.identity, commitTimestamp, changes: [] };
      byKey.set(key, delivery);
    }
    delivery.changes.push({
      type: row.op, schema: row.schemaName, table: row.tableName, record: row.record, old_record: row.oldRecord,
      columns: (columns.get(`${row.schemaName}.${row.tableName}`) ?? []) as unknown as Json, commit_timestamp: commitTimestamp,
    });
  }
  // Transactions in the order they were claimed; within one, subscriptions by their first change.
  const order = new Map(txIds.map((id, i) => [id, i]));
  return [...byKey.values()].sort((a, b) => (order.get(a.txId) ?? 0) - (order.get(b.txId) ?? 0));
}

/** Errors that a retry cannot cure: the delivery is dropped with a warning instead of blocking the outbox. */
const undeliverable = new Set(['INPUT_INVALID', 'INPUT_TOO_DEEP', 'PAYLOAD_TOO_LARGE', 'WORKFLOW_NOT_FOUND', 'WORKFLOW_ARCHIVED']);

/** One start to ask: a delivery's changes (all, or a part of a transaction too large for one input) under its key. */
interface Part {
  delivery: Delivery;
  changes: JsonObject[];
  key: string;
}

const requestOf = (part: Part): StartRequest => ({
  workflow: part.delivery.workflowName,
  input: { changes: part.changes, commit_timestamp: part.delivery.commitTimestamp },
  idempotencyKey: part.key,
  ...(part.delivery.identity === null ? {} : { identity: part.delivery.identity }),
});

/**
 * Starts every delivery's execution in the drain's transaction, through one startExecutions call (one
 * insert for all). A transaction too large for one input (256 KiB) is halved until each part fits,
 * each part under a key derived from its parent's, so a repeated drain splits the same way and still
 * starts nothing twice; the halves go in the next round. Answers the executions started.
 */
async function deliver(deps: ServiceDeps, tx: TransactionSql, deliveries: readonly Delivery[], logger: Logger): Promise<{ started: number; afterCommit: Array<() => void> }> {
  let parts: Part[] = deliveries.map((delivery) => ({ delivery, changes: delivery.changes, key: `table:${delivery.subscriptionId}:${delivery.txId}` }));
  let started = 0;
  const afterCommit: Array<() => void> = [];
  while (parts.length > 0) {
    const batch = await startExecutions(deps, tx, parts.map(requestOf));
    afterCommit.push(batch.afterCommit);
    const halves: Part[] = [];
    for (const [i, outcome] of batch.outcomes.entries()) {
      if ('view' in outcome) started += 1;
      else halves.push(...refusedPart(parts[i], outcome.error, logger));
    }
    parts = halves;
  }
  return { started, afterCommit };
}

/** A part too large comes back halved; any other refusal no retry can cure is dropped with a warning. */
function refusedPart(part: Part, error: EngineError, logger: Logger): Part[] {
  if (error.code === 'PAYLOAD_TOO_LARGE' && part.changes.length >= 2) {
    const half = Math.ceil(part.changes.length / 2);
    return [{ ...part, changes: part.changes.slice(0, half), key: `${part.key}:a` }, { ...part, changes: part.changes.slice(half), key: `${part.key}:b` }];
  }
  if (!undeliverable.has(error.code)) throw error;
  const { delivery } = part;
  logger.warn(
    { workflow: delivery.workflowName, subscription: delivery.subscriptionId, transaction: delivery.txId, code: error.code, error: error.message },
    'a table change could not start its workflow and was dropped',
  );
  return [];
}

/**
 * One drain: claims up to `batchSize` whole transactions, starts their executions, deletes their rows,
 * then runs `finish` — all in one transaction, which a thrown error rolls back whole (the rows stay,
 * no execution was started, and the next drain tries again).
 */
export async function drainOutbox(
  deps: ServiceDeps,
  options: TableChangeOptions = {},
  finish?: (tx: TransactionSql, result: DrainResult) => Promise<void>,
): Promise<DrainResult> {
  const batchSize = options.batchSize ?? 100;
  const logger = options.logger ?? silentLogger;
  const drained = await deps.sql.begin(async (tx) => {
    const txIds = await claimOutboxTransactions(tx, batchSize);
    const rows = await readOutboxRows(tx, txIds);
    const orphans = rows.filter((row) => row.workflowName === null);
    if (orphans.length > 0) logger.warn({ rows: orphans.length }, 'outbox rows of a deleted table subscription were dropped');
    const tables = [...new Map(rows.map((r) => [`${r.schemaName}.${r.tableName}`, r])).values()];
    const deliveries = groupDeliveries(txIds, rows, await tableColumns(tx, tables));
    const { started, afterCommit } = await deliver(deps, tx, deliveries, logger);
    await deleteOutboxRows(tx, rows.map((row) => row.id));
    const result = { transactions: txIds.length, executions: started, full: txIds.length === batchSize };
    await finish?.(tx, result);
    return { result, afterCommit };
  });
  for (const wake of drained.afterCommit) wake();
  return drained.result;
}

/**
 * The job handlers to give the durable runtime. The drain job completes itself and enqueues its
 * successor in the drain's own transaction (a worker that lost its lease rolls everything back); it
 * stops polling once no subscription is left and the outbox is empty (syncTableSubscriptions
 * enqueues it again).
 */
export function tableChangeJobHandlers(deps: ServiceDeps, options: TableChangeOptions = {}): Record<string, JobHandler> {
  const idleMs = options.idleMs ?? 200;
  return {
    [jobKinds.outboxDrain]: async (job, workerId) => {
      await drainOutbox(deps, options, async (tx, result) => {
        if ((await completeJobs(tx, workerId, [job.id])).length === 0) throw new Error('the outbox drain job was taken over by another worker');
        if (result.transactions === 0 && !(await hasTableSubscriptions(tx))) return;
        await ensureDrainJob(tx, new Date(deps.clock.now() + (result.full ? 0 : idleMs)));
      });
    },
  };
}
