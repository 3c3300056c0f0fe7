-- Limits shared by every process, and what stopping needs to find quickly.

-- The start rate of API keys: one token bucket per key, in the database, so that the limit holds
-- across every Nightshift process (an in-memory bucket per process let P processes start P times
-- the rate). A start takes a token with one INSERT ... ON CONFLICT DO UPDATE; a bucket unused for a
-- minute is full again and is removed (no row means a full bucket).
create table nightshift.rate_buckets (
  key text primary key,
  tokens double precision not null,
  refilled_at timestamptz not null,
  per_minute int not null check (per_minute > 0)
);
comment on table nightshift.rate_buckets is
  'Token buckets of start rate limits, shared by every process: a row per key that started recently; no row means a full bucket.';
comment on column nightshift.rate_buckets.key is
  'What is limited: api-key:<api key id>.';
comment on column nightshift.rate_buckets.tokens is
  'Starts left at refilled_at; it refills by per_minute a minute, up to per_minute.';
comment on column nightshift.rate_buckets.refilled_at is
  'When tokens was last computed (the last start taken).';
comment on column nightshift.rate_buckets.per_minute is
  'The limit the bucket was filled for; a changed limit starts a full bucket.';
comment on column nightshift.api_keys.rate_limit_per_minute is
  'Most executions the key may start per minute (a token bucket in nightshift.rate_buckets, shared by every process); null: limits.keyStartsPerMinute, if set.';

-- Stopping an execution cancels the runs it (or a branch of it) scheduled: the waiting ones by parent.
create index scheduled_runs_parent_id_idx
  on nightshift.scheduled_runs (parent_id)
  where status = 'SCHEDULED' and parent_id is not null;

-- Held starts (flow control), listed newest first among executions and found by their parent when it stops.
create index flow_waits_held_idx
  on nightshift.flow_waits (created_at desc, id desc)
  where started_at is null;
create index flow_waits_parent_idx
  on nightshift.flow_waits ((start ->> 'parentId'))
  where started_at is null;
