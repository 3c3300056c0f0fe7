/**
 * Group commit: the results a worker records while a step transaction is being written wait for it and
 * then go together in the next transaction, one statement per kind of write however many executions it
 * holds. An idle worker records a lone result at once (one macrotask later, so results finished in the
 * same turn join it); a busy one commits a batch per round trip sequence instead of one per execution.
 * PERFORMANCE.md lesson 1: committing once per job caps any design at ~2.2k jobs/s on these machines.
 */
import type { Logger } from '../../shared/index.ts';
import { deliverBatch, deliverEvents, type CommitContext, type Delivery, type DeliveryOutcome } from './commit.ts';

interface Pending {
  delivery: Delivery;
  resolve(outcome: DeliveryOutcome): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Executions stepped in one transaction at most. */
  maxBatch: number;
  /**
   * Group transactions in flight at once. Two keep both cores busy: with one, Postgres steps one batch
   * while the next waits in Node, and the worker's other backends sit idle.
   */
  maxFlushes?: number;
  logger: Logger;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing = 0;

  constructor(
    private readonly ctx: CommitContext,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Steps an execution with these events in the next group transaction; answers as `deliverEvents`. */
  deliver(executionId: string, items: Delivery['items']): Promise<DeliveryOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery: { executionId, items }, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.fill();
      });
    });
  }

  /** Starts group transactions while there is work and room: what arrives meanwhile waits for the next. */
  private fill(): void {
    while (this.flushing < (this.options.maxFlushes ?? 2) && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.flushing += 1;
      void this.flush(batch).finally(() => {
        this.flushing -= 1;
        this.fill();
      });
    }
  }

  /** The oldest pending deliveries, one per execution (a second one for the same row waits its turn). */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const seen = new Set<string>();
    for (const pending of this.queue) {
      const id = pending.delivery.executionId;
      if (batch.length >= this.options.maxBatch || seen.has(id)) rest.push(pending);
      else {
        seen.add(id);
        batch.push(pending);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await deliverBatch(this.ctx, batch.map((p) => p.delivery));
      batch.forEach((p, i) => p.resolve(outcomes[i]));
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      // One execution's failure (or a deadlock with another writer) must not hold back the others.
      this.options.logger.debug({ executions: batch.length, error: String(error) }, 'group commit failed; committing one by one');
    }
    for (const p of batch) {
      await deliverEvents(this.ctx, p.delivery.executionId, p.delivery.items).then(p.resolve, p.reject);
    }
  }
}
