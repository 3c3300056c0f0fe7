-- Activities: a Task with `Resource: activity:<name>` is handed to an external worker that polls
-- POST /v1/activities/<name>/poll. Each row is one such task, from the moment the state starts
-- waiting until the worker takes it; a taken row stays (without its token) to show who took it.
create table nightshift.activity_tasks (
  token_hash text primary key references nightshift.task_tokens (token_hash) on delete cascade,
  activity text not null,
  execution_id uuid not null,
  state_name text not null,
  token text,
  input jsonb not null,
  created_at timestamptz not null,
  claimed_at timestamptz,
  claimed_by text,
  constraint activity_tasks_token_until_claimed check ((token is null) = (claimed_at is not null))
);
comment on table nightshift.activity_tasks is
  'Tasks of activity:<name> states waiting for an external worker to poll them; removed with their task token (and so with their execution).';
comment on column nightshift.activity_tasks.token_hash is
  'The task token this task answers through (nightshift.task_tokens): success, failure and heartbeat go there.';
comment on column nightshift.activity_tasks.activity is
  'The activity name: what follows activity: in the Task''s Resource, and what workers poll.';
comment on column nightshift.activity_tasks.execution_id is
  'The execution (or branch) whose state waits; no foreign key of its own: the row goes with its task token.';
comment on column nightshift.activity_tasks.token is
  'The task token itself, kept only until a worker takes the task (then null): the poll must hand it out, and task_tokens keeps only its hash.';
comment on column nightshift.activity_tasks.input is
  'The state''s effective parameters, handed to the worker with the token.';
comment on column nightshift.activity_tasks.claimed_at is
  'When a worker took the task; null while it waits to be polled.';
comment on column nightshift.activity_tasks.claimed_by is
  'The workerName the worker gave when it polled, if any.';
-- The claim reads the oldest waiting task of one activity: a range of this index. Taken tasks are
-- outside it, so it holds only what is still to hand out.
create index activity_tasks_waiting_idx
  on nightshift.activity_tasks (activity, created_at, token_hash)
  where claimed_at is null;
