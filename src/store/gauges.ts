/**
 * What /metrics reads from the database at scrape time: the backlog an autoscaler watches. One
 * statement under a statement timeout, so a slow database delays a scrape by at most that long.
 */
import type { Sql } from './connection.ts';

export interface QueueGauges {
  /** Jobs due and not leased, by kind, with the age of the oldest in seconds. */
  ready: Record<string, { count: number; oldestSeconds: number }>;
  /** Table changes captured and not yet delivered. */
  outbox: number;
  /** Scheduled runs not started nor cancelled. */
  scheduled: number;
  /**
   * Flow-controlled starts waiting for admission, by kind of reason: debounce, singleton, concurrency,
   * rate_limit, other. The stored reason is a sentence with keys and times (service/flow-control.ts
   * writes it); only its first words are read, so the label has five values whatever the keys.
   */
  held: Record<string, number>;
}

/** The kinds of reason `held` counts by (the statement below names them). */
export const heldReasons = ['debounce', 'singleton', 'concurrency', 'rate_limit', 'other'] as const;

/**
 * Ready jobs walk jobs_claim_idx (unleased rows); held starts flow_waits_held_idx; the outbox and the
 * scheduled runs are counted whole (both stay small when delivery keeps up; the timeout bounds the rest).
 */
const gaugesStatement = `
select
  (select coalesce(jsonb_object_agg(kind, jsonb_build_object('count', n, 'oldestSeconds', age)), '{}')
     from (select kind, count(*) as n, extract(epoch from ($1::timestamptz - min(run_at)))::float8 as age
             from nightshift.jobs where lease_owner is null and run_at <= $1::timestamptz group by kind) k) as ready,
  (select count(*) from nightshift.outbox) as outbox,
  (select count(*) from nightshift.scheduled_runs where status = 'SCHEDULED') as scheduled,
  (select coalesce(jsonb_object_agg(reason, n), '{}')
     from (select case when reason like 'debounced%' then 'debounce' when reason like 'singleton%' then 'singleton'
                       when reason like 'concurrency%' then 'concurrency' when reason like 'rate limit%' then 'rate_limit'
                       else 'other' end as reason, count(*) as n
             from nightshift.flow_waits where started_at is null and admitted_at is null group by 1) h) as held`;

export async function readQueueGauges(sql: Sql, now: Date, timeoutMs: number): Promise<QueueGauges> {
  return sql.begin(async (tx) => {
    await tx.unsafe(`set local statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    const [row] = await tx.unsafe<{ ready: QueueGauges['ready']; outbox: number; scheduled: number; held: QueueGauges['held'] }[]>(gaugesStatement, [now]);
    return { ready: row.ready, outbox: Number(row.outbox), scheduled: Number(row.scheduled), held: row.held };
  });
}
