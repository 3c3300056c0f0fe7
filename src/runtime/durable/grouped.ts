/**
 * Grouping writes into shared transactions: items added while a group transaction is being written
 * wait for it and then go together in the next one, however many there are (up to `maxBatch`). An idle
 * queue writes a lone item at once (one macrotask later, so items added in the same turn join it). If
 * a group fails, its items are written one by one, so one bad item does not fail the others; unless it
 * failed because the database cannot be reached: then every item fails at once with that error (one by
 * one, each would wait for the same outage again, and the last of a group waited for all of them).
 * PERFORMANCE.md lesson 1: one commit per item caps any design at ~2.2k items/s on these machines.
 * Used by the worker's group commit (step results, `group-commit.ts`) and by starts (`runtime.ts`).
 */
import type { Logger } from '../../shared/index.ts';
import { isDatabaseUnreachable } from '../../store/index.ts';

export interface GroupedOptions<T, R> {
  /** Items in one group at most. */
  maxBatch: number;
  /**
   * Group transactions in flight at once. Two keep both cores busy: with one, Postgres writes one
   * group while the next waits in Node, and the pool's other connections sit idle.
   */
  maxFlushes?: number;
  /** Items with the same key never share a group: the later one waits for the next (one row, one lock). */
  keyOf?: (item: T) => string;
  /** Writes a group in one transaction; answers a result per item, in order. */
  writeAll(items: T[]): Promise<R[]>;
  /** Writes one item alone, after its group failed. */
  writeOne(item: T): Promise<R>;
  logger: Logger;
  /** What is grouped, for the log line of a failed group. */
  what: string;
}

interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class Grouped<T, R> {
  private queue: Array<Pending<T, R>> = [];
  private scheduled = false;
  private flushing = 0;

  constructor(private readonly options: GroupedOptions<T, R>) {}

  /** Writes `item` in the next group transaction; answers its result once that has committed. */
  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
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

  /** The oldest pending items, one per key (a second one with the same key waits its turn). */
  private takeBatch(): Array<Pending<T, R>> {
    const { maxBatch, keyOf } = this.options;
    if (!keyOf) return this.queue.splice(0, maxBatch);
    const batch: Array<Pending<T, R>> = [];
    const rest: Array<Pending<T, R>> = [];
    const seen = new Set<string>();
    for (const pending of this.queue) {
      const key = keyOf(pending.item);
      if (batch.length >= maxBatch || seen.has(key)) rest.push(pending);
      else {
        seen.add(key);
        batch.push(pending);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async flush(batch: Array<Pending<T, R>>): Promise<void> {
    try {
      const results = await this.options.writeAll(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]));
      return;
    } catch (error) {
      if (batch.length === 1 || isDatabaseUnreachable(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      // One item's failure (or a deadlock with another writer) must not hold back the others.
      this.options.logger.debug({ items: batch.length, what: this.options.what, error: String(error) }, 'group failed; writing one by one');
    }
    for (const p of batch) await this.options.writeOne(p.item).then(p.resolve, p.reject);
  }
}
