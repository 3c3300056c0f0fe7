-- A held start keeps its caller's trace context until admission starts its execution
-- (docs/observability.md), and retention reaches finished scheduled runs and lists (docs/scaling.md).

alter table nightshift.flow_waits add column traceparent text null;
comment on column nightshift.flow_waits.traceparent is
  'The W3C traceparent the start carried (a debounced start: the last one''s): its execution joins that trace when admitted.';

-- Retention of runs scheduled alone: the finished ones (started or cancelled) in the order they
-- finished. Runs of a list are not in it (they go with their batch, found by id range on the
-- primary key), and waiting runs are not either, so a 100 000-item list writes no entry here.
create index scheduled_runs_finished_idx
  on nightshift.scheduled_runs ((coalesce(started_at, cancelled_at)))
  where batch_id is null and status <> 'SCHEDULED';

-- Retention of lists: the oldest first; whether a list has finished is read from its counters.
create index scheduled_batches_created_at_idx
  on nightshift.scheduled_batches (created_at);
