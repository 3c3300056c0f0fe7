-- Scheduled runs (Bubble's "Schedule API workflow"): a start that is due later, alone or as one item
-- of a list (a batch), and the index the recursion guard counts a chain's executions with. Each
-- scheduled run has exactly one job of kind `scheduled-start` (dedupe key `scheduled:<run id>`)
-- while it waits, except the items of a sequential batch after the next one: their job is enqueued
-- when the item before them ends. This file runs in one transaction.

create table nightshift.scheduled_batches (
  id uuid primary key,
  workflow_name text not null references nightshift.workflows (name),
  ordering text not null check (ordering in ('parallel', 'sequential')),
  interval_seconds double precision not null check (interval_seconds >= 0),
  start_at timestamptz not null,
  total int not null check (total >= 0),
  started int not null default 0,
  succeeded int not null default 0,
  failed int not null default 0,
  cancelled int not null default 0,
  idempotency_key text,
  on_complete_workflow text references nightshift.workflows (name),
  on_complete_input jsonb,
  on_complete_started_at timestamptz,
  on_complete_execution_id uuid,
  on_complete_error text,
  created_at timestamptz not null,
  constraint scheduled_batches_counters_check
    check (started + cancelled <= total and succeeded + failed <= started)
);
comment on table nightshift.scheduled_batches is
  'A list scheduled in one request: one scheduled run per item, with live counters and an optional workflow started once when every item has ended.';
comment on column nightshift.scheduled_batches.ordering is
  'parallel: each item starts at its own due time (Bubble''s behaviour); sequential: item n+1 also waits until item n has ended.';
comment on column nightshift.scheduled_batches.interval_seconds is
  'Seconds between the due times of consecutive items: item i is due at start_at + i * interval_seconds.';
comment on column nightshift.scheduled_batches.total is
  'How many items the list had. Still scheduled = total - started - cancelled; running = started - succeeded - failed.';
comment on column nightshift.scheduled_batches.started is
  'Items whose execution was started.';
comment on column nightshift.scheduled_batches.succeeded is
  'Items whose execution ended SUCCEEDED.';
comment on column nightshift.scheduled_batches.failed is
  'Items whose execution ended FAILED, TIMED_OUT or ABORTED.';
comment on column nightshift.scheduled_batches.cancelled is
  'Items cancelled before they started (by a request, or refused at start: see scheduled_runs.error).';
comment on column nightshift.scheduled_batches.idempotency_key is
  'Idempotency-Key given when the list was scheduled: sending the same list again returns this batch. Unique per workflow when set.';
comment on column nightshift.scheduled_batches.on_complete_workflow is
  'Started once when every item has ended or was cancelled (and at least one started), with on_complete_input plus a "batch" field holding the counters.';
comment on column nightshift.scheduled_batches.on_complete_started_at is
  'When the on-complete workflow was started (or refused); null until then. Set once.';
comment on column nightshift.scheduled_batches.on_complete_error is
  'Why the on-complete workflow could not be started (its input no longer matched its parameters, ...).';
create unique index scheduled_batches_workflow_name_idempotency_key_idx
  on nightshift.scheduled_batches (workflow_name, idempotency_key)
  where idempotency_key is not null;

-- No foreign keys on workflow_name and batch_id: each costs a lookup and a row lock per row, about a
-- third of the time to insert a 100 000-item list (measured here). A batch's runs are written by the
-- statement that writes the batch (which has the workflow key), and a single run's workflow is
-- checked by the service; a run whose workflow is gone when due is cancelled with the reason.
create table nightshift.scheduled_runs (
  id uuid primary key,
  workflow_name text not null,
  input jsonb not null,
  due_at timestamptz not null,
  status text not null default 'SCHEDULED' check (status in ('SCHEDULED', 'STARTED', 'CANCELLED')),
  batch_id uuid,
  item_index int,
  execution_id uuid,
  ended_status text check (ended_status in ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED')),
  error text,
  idempotency_key text,
  parent_id uuid,
  root_id uuid,
  depth int not null default 0,
  identity jsonb,
  created_at timestamptz not null,
  started_at timestamptz,
  ended_at timestamptz,
  cancelled_at timestamptz,
  constraint scheduled_runs_batch_check check ((batch_id is null) = (item_index is null)),
  constraint scheduled_runs_started_check check ((status = 'STARTED') = (started_at is not null and execution_id is not null)),
  constraint scheduled_runs_cancelled_check check ((status = 'CANCELLED') = (cancelled_at is not null)),
  constraint scheduled_runs_chain_check check ((parent_id is null) = (root_id is null))
);
comment on table nightshift.scheduled_runs is
  'A start that is due later: SCHEDULED until its job starts the execution (STARTED) or it is cancelled (CANCELLED).';
comment on column nightshift.scheduled_runs.input is
  'The execution input, checked against the workflow''s parameters when scheduled (and again at start).';
comment on column nightshift.scheduled_runs.due_at is
  'When the execution should start. For a sequential batch item, the earliest time: it also waits for the item before it.';
comment on column nightshift.scheduled_runs.id is
  'A batch''s runs share the first 96 bits of the batch id and end with their item index, so runs due at the same time list in item order.';
comment on column nightshift.scheduled_runs.item_index is
  'Position of the item in its batch''s list, from 0; null for a run scheduled alone.';
comment on column nightshift.scheduled_runs.execution_id is
  'The execution started for this run (its idempotency key is scheduled:<run id>). No foreign key: retention deletes executions.';
comment on column nightshift.scheduled_runs.ended_status is
  'Runs of a batch: how the execution ended, once it has (counted in the batch''s succeeded or failed). Null for a lone run: its execution says.';
comment on column nightshift.scheduled_runs.error is
  'Set when the start was refused (the workflow''s parameters changed, a chain limit was reached): the run is then CANCELLED.';
comment on column nightshift.scheduled_runs.idempotency_key is
  'Idempotency-Key given when scheduled (workflow:start passes its own): the same key returns this run. Unique per workflow when set.';
comment on column nightshift.scheduled_runs.parent_id is
  'The execution that scheduled this run with workflow:start, if any: the started execution joins its chain.';
comment on column nightshift.scheduled_runs.root_id is
  'The root of the chain the started execution joins (kept here: the chain may outlive its parent''s row).';
comment on column nightshift.scheduled_runs.depth is
  'The depth the started execution will have in its chain (0 without a parent).';
comment on column nightshift.scheduled_runs.identity is
  'Who the started execution acts as: the identity of the request or parent execution that scheduled it.';

-- The Scheduler, in due order: everything; one workflow; one batch (keyset on due_at, id). Cancel
-- by time range uses the first, by workflow the second, by batch the third. Only waiting runs are
-- indexed, so started and cancelled history costs the listing nothing.
create index scheduled_runs_due_at_idx
  on nightshift.scheduled_runs (due_at, id)
  where status = 'SCHEDULED';
create index scheduled_runs_workflow_name_due_at_idx
  on nightshift.scheduled_runs (workflow_name, due_at, id)
  where status = 'SCHEDULED';
create index scheduled_runs_batch_id_due_at_idx
  on nightshift.scheduled_runs (batch_id, due_at, id)
  where status = 'SCHEDULED';
-- A sequential batch's next item: its lowest waiting item_index.
create index scheduled_runs_batch_id_item_index_idx
  on nightshift.scheduled_runs (batch_id, item_index)
  where status = 'SCHEDULED';
create unique index scheduled_runs_workflow_name_idempotency_key_idx
  on nightshift.scheduled_runs (workflow_name, idempotency_key)
  where idempotency_key is not null;

-- The Scheduler's executions sleeping in a Wait: their timer jobs in due order. Only timer jobs are
-- indexed (the predicate must be repeated verbatim by the statements that rely on it).
create index jobs_timer_run_at_idx
  on nightshift.jobs (run_at, id)
  where kind = 'step' and dedupe_key like 'timer:%';

-- The Scheduler's executions waiting for a task token.
create index task_tokens_waiting_idx
  on nightshift.task_tokens (expires_at)
  where used_at is null;

-- The recursion guard's runs budget: how many executions (not branches) a chain has, counted up to
-- the limit from this index alone.
create index executions_root_id_execution_idx
  on nightshift.executions (root_id)
  where kind = 'execution';
