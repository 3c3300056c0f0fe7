/**
 * Delivery of table changes: the `outbox-drain` job takes whole committed transactions from the
 * outbox and starts one execution per transaction and subscription, with the changes in the seed's
 * (Supabase's) shape: `{changes: [{type, schema, table, record, old_record, columns,
 * commit_timestamp}], commit_timestamp}`.
 *
 * Exactly once, with any number of workers and across crashes:
 * - Claiming locks whole transactions (store: claimOutboxTransactions), so two drainers never split
 *   one and never take the same one at the same time.
 * - Each execution's idempotency key is `table:<subscription>:<transaction id>` (xid8 never
 *   repeats), and the rows are deleted only after the starts, in the drain's transaction. A drain
 *   that dies between the two leaves the rows; the next one finds the executions by their keys and
 *   starts nothing twice.
 * - There is no cursor over ids or transaction ids: a transaction that commits after a younger one
 *   (a smaller id committing later) is simply found by the next claim, never skipped.
 *
 * Order: the changes of one transaction are in the order they were made. Transactions are claimed in
 * the order of their last change, and their executions are started in that order but several at a
 * time, so two transactions' executions may start in either order (they run concurrently anyway).
 *
 * Waking: the drain polls (every `idleMs` while idle, at once while a full batch came back). The
 * trigger does not NOTIFY: a NOTIFY in every changing transaction would cap the user's own write
 * throughput at ~3.7k commits/s for the whole cluster (PERFORMANCE.md lesson 2), a cost paid by the
 * app rather than by Nightshift. With the default 200 ms, a change starts its execution ~100 ms after
 * commit on average, for about five cheap drain transactions a second while subscriptions exist.
 */
import { startExecution, type ServiceDeps } from '../service/index.ts';
import {
  claimOutboxTransactions,
  completeJobs,
  deleteOutboxRows,
  hasTableSubscriptions,
  readOutboxRows,
  tableColumns,
  type OutboxRow,
  type TableColumn,
  type TransactionSql,
} from '../store/index.ts';
import { isEngineError, silentLogger, type Json, type JsonObject, type Logger } from '../shared/index.ts';
import type { TriggerJobHandler } from './cron.ts';
import { ensureDrainJob, outboxDrainJob } from './table-subscriptions.ts';

export interface TableChangeOptions {
  /** Most transactions delivered per drain transaction (default 100). */
  batchSize?: number;
  /** Delay between drains while the outbox is empty (default 200 ms). */
  idleMs?: number;
  /** Executions a drain starts at once (default 8); each takes a pool connection besides the drain's own. */
  startConcurrency?: number;
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

/**
 * Starts the execution of one delivery. A transaction too large for one input (256 KiB) is halved
 * until each part fits, each part under a key derived from its parent's, so a repeated drain splits
 * the same way and still starts nothing twice.
 */
async function startDelivery(deps: ServiceDeps, delivery: Delivery, changes: JsonObject[], key: string): Promise<number> {
  try {
    await startExecution(deps, {
      workflow: delivery.workflowName,
      input: { changes, commit_timestamp: delivery.commitTimestamp },
      idempotencyKey: key,
      identity: delivery.identity ?? undefined,
    });
    return 1;
  } catch (e) {
    if (!isEngineError(e) || e.code !== 'PAYLOAD_TOO_LARGE' || changes.length < 2) throw e;
    const half = Math.ceil(changes.length / 2);
    return (await startDelivery(deps, delivery, changes.slice(0, half), `${key}:a`)) + (await startDelivery(deps, delivery, changes.slice(half), `${key}:b`));
  }
}

/** Errors that a retry cannot cure: the delivery is dropped with a warning instead of blocking the outbox. */
const undeliverable = new Set(['INPUT_INVALID', 'INPUT_TOO_DEEP', 'PAYLOAD_TOO_LARGE', 'WORKFLOW_NOT_FOUND', 'WORKFLOW_ARCHIVED']);

async function deliverOne(deps: ServiceDeps, delivery: Delivery, logger: Logger): Promise<number> {
  try {
    return await startDelivery(deps, delivery, delivery.changes, `table:${delivery.subscriptionId}:${delivery.txId}`);
  } catch (e) {
    if (!isEngineError(e) || !undeliverable.has(e.code)) throw e;
    logger.warn(
      { workflow: delivery.workflowName, subscription: delivery.subscriptionId, transaction: delivery.txId, code: e.code, error: e.message },
      'a table change could not start its workflow and was dropped',
    );
    return 0;
  }
}

/**
 * Starts the deliveries in claim order, `concurrency` at a time: one start is about ten round trips.
 * Measured here (2 cores, busy): a backlog of 1 000 transactions took 6.1 s one at a time and 2.9 s
 * eight at a time. Executions run concurrently once started anyway, so start order was never a
 * promise to the workflows.
 */
async function deliver(deps: ServiceDeps, deliveries: readonly Delivery[], concurrency: number, logger: Logger): Promise<number> {
  let next = 0;
  let started = 0;
  const lane = async () => {
    while (next < deliveries.length) {
      const count = await deliverOne(deps, deliveries[next++], logger);
      started += count;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, deliveries.length) }, lane));
  return started;
}

/**
 * One drain: claims up to `batchSize` whole transactions, starts their executions, deletes their rows,
 * then runs `finish` — all in one transaction, which a thrown error rolls back (the rows stay and the
 * next drain tries again; executions already started are found by their idempotency keys).
 */
export async function drainOutbox(
  deps: ServiceDeps,
  options: TableChangeOptions = {},
  finish?: (tx: TransactionSql, result: DrainResult) => Promise<void>,
): Promise<DrainResult> {
  const batchSize = options.batchSize ?? 100;
  const logger = options.logger ?? silentLogger;
  return deps.sql.begin(async (tx) => {
    const txIds = await claimOutboxTransactions(tx, batchSize);
    const rows = await readOutboxRows(tx, txIds);
    const orphans = rows.filter((row) => row.workflowName === null);
    if (orphans.length > 0) logger.warn({ rows: orphans.length }, 'outbox rows of a deleted table subscription were dropped');
    const tables = [...new Map(rows.map((r) => [`${r.schemaName}.${r.tableName}`, r])).values()];
    const deliveries = groupDeliveries(txIds, rows, await tableColumns(tx, tables));
    const executions = await deliver(deps, deliveries, options.startConcurrency ?? 8, logger);
    await deleteOutboxRows(tx, rows.map((row) => row.id));
    const result = { transactions: txIds.length, executions, full: txIds.length === batchSize };
    await finish?.(tx, result);
    return result;
  });
}

/**
 * The job handlers to give the durable runtime. The drain job completes itself and enqueues its
 * successor in the drain's own transaction (a worker that lost its lease rolls everything back); it
 * stops polling once no subscription is left and the outbox is empty (syncTableSubscriptions
 * enqueues it again).
 */
export function tableChangeJobHandlers(deps: ServiceDeps, options: TableChangeOptions = {}): Record<string, TriggerJobHandler> {
  const idleMs = options.idleMs ?? 200;
  return {
    [outboxDrainJob.kind]: async (job, workerId) => {
      await drainOutbox(deps, options, async (tx, result) => {
        if ((await completeJobs(tx, workerId, [job.id])).length === 0) throw new Error('the outbox drain job was taken over by another worker');
        if (result.transactions === 0 && !(await hasTableSubscriptions(tx))) return;
        await ensureDrainJob(tx, new Date(deps.clock.now() + (result.full ? 0 : idleMs)));
      });
    },
  };
}
