/**
 * Token buckets of start rates (0008_limits.sql), shared by every process. A bucket of `perMinute`
 * holds that many starts and refills by `perMinute` a minute. Taking a token is one statement: the
 * upsert re-checks its condition on the latest row under the row lock, so concurrent starts from any
 * number of processes never take more tokens than there are.
 */
import type { Queryable } from './connection.ts';

// rate_buckets_pkey. $1 key, $2 per minute, $3 now. `refilled` is what the bucket holds at $3
// before this start; the update (and so the start) happens only when that is at least one, or when
// the limit changed (a new, full bucket). `before` is the row as it was, to say when to try again.
const refilled = (b: string) =>
  `least(${b}.per_minute, ${b}.tokens + greatest(0, extract(epoch from $3::timestamptz - ${b}.refilled_at)) * ${b}.per_minute / 60.0)`;
const takeStatement = `
  with before as (
    select tokens, refilled_at, per_minute from nightshift.rate_buckets where key = $1
  ), taken as (
    insert into nightshift.rate_buckets as b (key, tokens, refilled_at, per_minute) values ($1, $2 - 1, $3, $2)
    on conflict (key) do update
      set tokens = case when b.per_minute <> excluded.per_minute then excluded.per_minute - 1 else ${refilled('b')} - 1 end,
          refilled_at = greatest(b.refilled_at, excluded.refilled_at),
          per_minute = excluded.per_minute
      where b.per_minute <> excluded.per_minute or ${refilled('b')} >= 1
    returning tokens
  )
  select (select tokens from taken) as left_after, (select ${refilled('before')} from before) as available`;

export interface TakenToken {
  /** Whether the start may go. */
  taken: boolean;
  /** Tokens in the bucket now (after this start when taken); fractional while it refills. */
  tokens: number;
}

/** Takes one start from the bucket of `key`, or answers that it is empty. */
export async function takeRateToken(sql: Queryable, key: string, perMinute: number, now: Date): Promise<TakenToken> {
  const [row] = await sql.unsafe<Array<{ left_after: number | null; available: number | null }>>(
    takeStatement, [key, perMinute, now] as never, { prepare: true });
  if (row.left_after !== null) return { taken: true, tokens: Number(row.left_after) };
  return { taken: false, tokens: Number(row.available ?? 0) };
}

/**
 * Removes buckets unused since `fullBefore` (one minute before now: they are full again, which is
 * what no row means). A scan of rate_buckets: it holds one row per key that started lately.
 */
export async function removeFullRateBuckets(sql: Queryable, fullBefore: Date): Promise<number> {
  const rows = await sql.unsafe(`delete from nightshift.rate_buckets where refilled_at < $1 returning key`, [fullBefore] as never, { prepare: true });
  return rows.length;
}
