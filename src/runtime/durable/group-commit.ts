/**
 * Group commit: the results a worker records while a step transaction is being written wait for it and
 * then go together in the next one (`deliverUnlocked`: one statement writes the group, rows that
 * changed meanwhile go through `deliverBatch`'s locking transaction), one delivery per execution in a
 * group. A failed group is delivered one execution at a time.
 */
import type { Logger } from '../../shared/index.ts';
import { deliverEvents, type CommitContext, type Delivery, type DeliveryOutcome } from './commit.ts';
import { Grouped } from '../../shared/index.ts';
import { deliverUnlocked } from './unlocked.ts';

export interface GroupCommitOptions {
  /** Executions stepped in one transaction at most. */
  maxBatch: number;
  logger: Logger;
}

export class GroupCommit {
  private readonly groups: Grouped<Delivery, DeliveryOutcome>;

  constructor(ctx: CommitContext, options: GroupCommitOptions) {
    this.groups = new Grouped<Delivery, DeliveryOutcome>({
      maxBatch: options.maxBatch,
      keyOf: (delivery) => delivery.executionId,
      writeAll: (deliveries) => deliverUnlocked(ctx, deliveries),
      writeOne: (delivery) => deliverEvents(ctx, delivery.executionId, delivery.items),
      logger: options.logger,
      what: 'step results',
    });
  }

  /** Steps an execution with these events in the next group transaction; answers as `deliverEvents`. */
  deliver(executionId: string, items: Delivery['items'], seen?: Delivery['seen']): Promise<DeliveryOutcome> {
    return this.groups.add({ executionId, items, seen });
  }
}
