-- The chain budget counted by one row per chain (issue 11): counting a chain's executions and then
-- inserting one were two steps, so starts racing under fan-out each saw room and the budget of 50
-- reached 72. A start now takes its place with one conditional update of this row
-- (runs + 1 <= maxRunsPerChain), which Postgres serializes on the row lock.
create table nightshift.chains (
  root_id uuid primary key,
  runs integer not null check (runs >= 0),
  updated_at timestamptz not null default now()
);
comment on table nightshift.chains is
  'The runs budget of chains that have a workflow:start in them: how many executions each has started. Made when the first start joins a chain (counting what the chain already has), removed by retention when no execution of the chain is left.';
comment on column nightshift.chains.root_id is 'The chain''s root execution (executions.root_id); no foreign key: a chain outlives its root.';
comment on column nightshift.chains.runs is 'Executions the chain has taken from its budget, the root included (limits.maxRunsPerChain).';

-- Run now used to move due_at to now: the time the run was scheduled for was lost.
alter table nightshift.scheduled_runs add column run_now_at timestamptz null;
comment on column nightshift.scheduled_runs.run_now_at is
  'When Run now made the run due ahead of its due_at (which keeps the time it was scheduled for); null if it waited for its time.';

-- A token whose task ended without it (timeout, heartbeat timeout, stop) was marked used like an
-- answered one, so a late answer got 409 TASK_TOKEN_USED; it now gets 410 TASK_TOKEN_EXPIRED.
-- Tokens retired before this column are taken as answered (409, as before).
alter table nightshift.task_tokens add column retired_at timestamptz null;
comment on column nightshift.task_tokens.retired_at is
  'When the token''s task ended without an answer through it (TimeoutSeconds, HeartbeatSeconds, the execution stopped); used_at is set too. An answer after it is refused with 410 TASK_TOKEN_EXPIRED; null for an answered token.';
