-- Recurring schedules (cron expressions and fixed intervals). Each schedule that is not paused
-- has exactly one pending job of kind `cron-tick` (dedupe key `cron:<schedule id>`) whose run_at
-- is the schedule's next_fire_at; the worker that claims it starts the tick's execution and
-- enqueues the next tick, so many workers never fire one tick twice.

create table nightshift.schedules (
  id uuid primary key default gen_random_uuid(),
  workflow_name text not null references nightshift.workflows (name) on delete cascade,
  key text,
  source text not null check (source in ('file', 'api')),
  cron text,
  every_seconds int check (every_seconds > 0),
  timezone text not null default 'UTC',
  input jsonb not null default '{}',
  paused boolean not null default false,
  overlap_policy text not null default 'allow' check (overlap_policy in ('skip', 'allow', 'queue')),
  missed_policy text not null default 'skip' check (missed_policy in ('skip', 'run_once')),
  next_fire_at timestamptz,
  last_fire_at timestamptz,
  last_execution_id uuid,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint schedules_cadence_check check ((cron is null) <> (every_seconds is null)),
  constraint schedules_paused_check check (not paused or next_fire_at is null)
);
comment on table nightshift.schedules is
  'Recurring starts of a workflow: a cron expression or a fixed interval, in an IANA timezone. Declared in a workflow file (source file) or created at runtime (source api), e.g. one per user.';
comment on column nightshift.schedules.key is
  'External key, unique per workflow (e.g. user:42): creating a schedule with a key that exists updates it. File schedules are keyed file:<n> (their position among the file''s cron triggers) unless the trigger names a key.';
comment on column nightshift.schedules.source is
  'file: declared in the workflow file and kept in step with it on every deploy; api: created through POST /v1/schedules.';
comment on column nightshift.schedules.cron is
  'A 5-field (minute precision) or 6-field (seconds first) cron expression, read in timezone; null for an interval schedule.';
comment on column nightshift.schedules.every_seconds is
  'Interval schedules (every: 15m): seconds between ticks, counted from the schedule''s creation (or its last change of interval); null for a cron schedule.';
comment on column nightshift.schedules.timezone is
  'IANA timezone the cron expression is read in (Europe/Paris); daylight saving changes are handled by the cron library.';
comment on column nightshift.schedules.input is
  'The input of every execution the schedule starts.';
comment on column nightshift.schedules.paused is
  'A paused schedule fires nothing and has no pending tick; resuming starts from the next tick after the resume.';
comment on column nightshift.schedules.overlap_policy is
  'When a tick comes while the execution of the previous one still runs: skip the tick, allow a second execution, or queue it (start it when the previous one ends; later ticks meanwhile are folded into it).';
comment on column nightshift.schedules.missed_policy is
  'When ticks were missed (no worker ran for a while): skip them and wait for the next tick, or run_once: one execution for the whole missed period.';
comment on column nightshift.schedules.next_fire_at is
  'The tick the pending cron-tick job is for; null while paused or when the expression has no future tick. A past value means a tick is due, or queued behind a running execution.';
comment on column nightshift.schedules.last_fire_at is
  'The tick of the last execution the schedule started.';
comment on column nightshift.schedules.last_execution_id is
  'The execution started by the last fired tick (overlap policies look at its status). No foreign key: retention may delete the execution.';
comment on column nightshift.schedules.last_error is
  'Why the last due tick started nothing (the workflow is gone, the input no longer fits its parameters), or null.';
-- Upsert by external key (nulls are distinct: schedules without a key never conflict).
create unique index schedules_workflow_name_key_key
  on nightshift.schedules (workflow_name, key);
-- Listing a workflow's schedules in creation order, a page at a time.
create index schedules_workflow_name_created_at_idx
  on nightshift.schedules (workflow_name, created_at, id);
-- Listing every schedule in creation order.
create index schedules_created_at_idx
  on nightshift.schedules (created_at, id);
-- The Scheduler view: the next fire of each active schedule, in due order.
create index schedules_next_fire_at_idx
  on nightshift.schedules (next_fire_at)
  where next_fire_at is not null;
