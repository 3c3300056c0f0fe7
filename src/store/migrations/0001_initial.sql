-- Nightshift's first schema: workflows and their versions, executions with their history, the job
-- queue and task tokens. The schema `nightshift` and `nightshift.schema_migrations` are created by
-- migrate.ts before any file runs. This file runs in one transaction.

create table nightshift.workflows (
  name text primary key,
  current_version_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table nightshift.workflows is
  'A named workflow. Its definitions live in workflow_versions; this row points at the one new executions start on.';
comment on column nightshift.workflows.name is
  'Unique name, used in the API path and by triggers (e.g. welcome-email).';
comment on column nightshift.workflows.current_version_id is
  'The version new executions start on; null only while the first version is being written.';

create table nightshift.workflow_versions (
  id text primary key,
  workflow_name text not null references nightshift.workflows (name) on delete cascade,
  definition jsonb not null,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now()
);
comment on table nightshift.workflow_versions is
  'One immutable definition of a workflow. An execution runs on the version it started with.';
comment on column nightshift.workflow_versions.id is
  'Content hash of the workflow name, canonical definition and metadata: saving identical content again yields the same id.';
comment on column nightshift.workflow_versions.definition is
  'The ASL state machine (StartAt, States, ...) exactly as validated.';
comment on column nightshift.workflow_versions.metadata is
  'Everything besides the definition: mode, parameters (JSON Schema of the input), auth, ignorePrivacyRules, triggers.';
create index workflow_versions_workflow_name_created_at_idx
  on nightshift.workflow_versions (workflow_name, created_at);

alter table nightshift.workflows
  add constraint workflows_current_version_id_fkey
  foreign key (current_version_id) references nightshift.workflow_versions (id);

create table nightshift.executions (
  id uuid primary key,
  workflow_name text not null references nightshift.workflows (name),
  version_id text not null references nightshift.workflow_versions (id),
  name text not null,
  kind text not null default 'execution' check (kind in ('execution', 'branch')),
  status text not null default 'RUNNING'
    check (status in ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED')),
  mode text not null default 'persistent' check (mode in ('persistent', 'transient')),
  input jsonb not null default '{}',
  output jsonb,
  error text,
  cause text,
  parent_id uuid references nightshift.executions (id) on delete set null,
  root_id uuid not null,
  identity jsonb,
  progress jsonb,
  snapshot jsonb,
  idempotency_key text,
  redrive_count int not null default 0,
  owner_id uuid references nightshift.executions (id) on delete cascade,
  group_id text,
  child_index int,
  machine_id text not null default '',
  outer_vars jsonb,
  event_count int not null default 0,
  callback_token_hash text,
  depth int not null default 0,
  notify_on_end boolean not null default false,
  started_at timestamptz not null,
  stopped_at timestamptz,
  updated_at timestamptz not null,
  constraint executions_stopped_at_check check ((status in ('PENDING', 'RUNNING')) = (stopped_at is null)),
  constraint executions_branch_check check ((kind = 'branch') = (group_id is not null and child_index is not null and owner_id is not null)),
  constraint executions_pending_check check (status <> 'PENDING' or kind = 'branch')
);
comment on table nightshift.executions is
  'One run of a workflow version, with the interpreter''s state between steps.';
comment on column nightshift.executions.name is
  'Unique per workflow; given by the caller or generated. $$.Execution.Name.';
comment on column nightshift.executions.status is
  'RUNNING until it stops; SUCCEEDED, FAILED, TIMED_OUT or ABORTED afterwards (Step Functions'' names).';
comment on column nightshift.executions.mode is
  'persistent (every step durable here) or transient (run in memory, lost on crash).';
comment on column nightshift.executions.output is
  'The final output; set when status is SUCCEEDED.';
comment on column nightshift.executions.error is
  'The ASL error name (States.Timeout, a Fail state''s Error, ...) when the execution did not succeed.';
comment on column nightshift.executions.cause is
  'Human-readable detail of error.';
comment on column nightshift.executions.parent_id is
  'The execution that started this one (workflow:start), if any.';
comment on column nightshift.executions.root_id is
  'First execution of the chain (its own id for a top-level start). No foreign key: a long chain of self-scheduling runs outlives its root when retention deletes it.';
comment on column nightshift.executions.identity is
  'Who the execution acts as: API key role, verified JWT claims or a trigger''s configured role. Never holds secrets.';
comment on column nightshift.executions.progress is
  'Last progress:report value ({done, total, message}), shown as a progress bar.';
comment on column nightshift.executions.snapshot is
  'The interpreter''s state between steps. Opaque to the store; written in the same transaction as the step''s history events and jobs.';
comment on column nightshift.executions.idempotency_key is
  'Idempotency-Key given at start; a second start with the same key returns this execution. Unique per workflow when set.';
comment on column nightshift.executions.redrive_count is
  'How many times a stopped execution was redriven (restarted from its failed state).';
comment on column nightshift.executions.stopped_at is
  'When the execution left RUNNING; null exactly while it runs.';
comment on column nightshift.executions.updated_at is
  'Time of the last committed step.';
-- Names are unique among a workflow's executions; branches are named after their parent.
create unique index executions_workflow_name_name_key
  on nightshift.executions (workflow_name, name)
  where kind = 'execution';
-- A fan-out's children, in index order: started in ranges, collected in order.
create unique index executions_parent_group_child_idx
  on nightshift.executions (parent_id, group_id, child_index)
  where kind = 'branch';
comment on column nightshift.executions.kind is
  'execution: started by a trigger, an API call or a parent workflow; branch: one Parallel branch or Map iteration of its parent, with a snapshot of its own.';
comment on column nightshift.executions.owner_id is
  'Branches: the execution the branch belongs to, however deeply nested (its context object is the branch''s); the branch goes when it goes.';
create index executions_owner_id_idx
  on nightshift.executions (owner_id)
  where owner_id is not null;
comment on column nightshift.executions.group_id is
  'Branches: the fan-out (one Parallel or Map state entry) the branch belongs to.';
comment on column nightshift.executions.child_index is
  'Branches: the branch or item index within its fan-out.';
comment on column nightshift.executions.machine_id is
  'The JSON pointer of the state machine this row runs inside its version''s definition; empty for the top level.';
comment on column nightshift.executions.outer_vars is
  'Branches: the workflow variables of enclosing scopes, readable but not assignable inside.';
comment on column nightshift.executions.callback_token_hash is
  'Set when a parent workflow waits for this execution (workflow:start.sync): the hash of the parent task''s token, answered when this execution ends.';
comment on column nightshift.executions.depth is
  'How many workflow:start hops separate this execution from the root of its chain (0 for a root): the recursion guard.';
comment on column nightshift.executions.notify_on_end is
  'When true, the step that ends this execution enqueues an execution-ended job (batch counters, sequential lists).';
comment on column nightshift.executions.event_count is
  'How many history events the execution has; the next event gets this number as seq.';
create unique index executions_workflow_name_idempotency_key_idx
  on nightshift.executions (workflow_name, idempotency_key)
  where idempotency_key is not null and kind = 'execution';
-- Listing (executions only, not branches), newest first: one workflow; one workflow in one status; one status everywhere; everything.
create index executions_workflow_name_started_at_idx
  on nightshift.executions (workflow_name, started_at desc)
  where kind = 'execution';
create index executions_workflow_name_status_started_at_idx
  on nightshift.executions (workflow_name, status, started_at desc)
  where kind = 'execution';
create index executions_status_started_at_idx
  on nightshift.executions (status, started_at desc)
  where kind = 'execution';
create index executions_started_at_idx
  on nightshift.executions (started_at desc)
  where kind = 'execution';
-- Retention deletes stopped executions by age.
create index executions_stopped_at_idx
  on nightshift.executions (stopped_at)
  where stopped_at is not null;
create index executions_parent_id_idx
  on nightshift.executions (parent_id)
  where parent_id is not null;
create index executions_root_id_idx
  on nightshift.executions (root_id);

create table nightshift.history_events (
  execution_id uuid not null references nightshift.executions (id) on delete cascade,
  seq int not null,
  type text not null,
  state_name text,
  details jsonb,
  created_at timestamptz not null default now(),
  primary key (execution_id, seq)
);
comment on table nightshift.history_events is
  'Append-only record of what happened to an execution, like Step Functions'' GetExecutionHistory.';
comment on column nightshift.history_events.seq is
  'Position in the execution''s history, from 1, without gaps.';
comment on column nightshift.history_events.type is
  'Event type in Step Functions'' spelling (ExecutionStarted, TaskStateEntered, TaskFailed, ...).';
comment on column nightshift.history_events.state_name is
  'The state the event belongs to; null for execution-level events.';
comment on column nightshift.history_events.details is
  'Event-specific fields (input, output, error, cause, resource, ...); secrets are never written here.';

create table nightshift.jobs (
  id bigint generated always as identity primary key,
  kind text not null,
  execution_id uuid references nightshift.executions (id) on delete cascade,
  payload jsonb not null default '{}',
  run_at timestamptz not null,
  priority int not null default 0,
  attempts int not null default 0,
  lease_owner text,
  lease_expires_at timestamptz,
  dedupe_key text unique,
  created_at timestamptz not null default now(),
  constraint jobs_lease_check check ((lease_owner is null) = (lease_expires_at is null))
);
comment on table nightshift.jobs is
  'The work queue: each row tells a worker to act at run_at. A worker leases a row while it works and deletes it when done.';
comment on column nightshift.jobs.kind is
  'What the worker should do (e.g. step, timer, start); decides how payload is read.';
comment on column nightshift.jobs.execution_id is
  'The execution the job acts on, if any; the job disappears with it.';
comment on column nightshift.jobs.payload is
  'Arguments of the job, read according to kind.';
comment on column nightshift.jobs.run_at is
  'Not claimed before this time.';
comment on column nightshift.jobs.priority is
  'Higher runs first among due jobs; default 0.';
comment on column nightshift.jobs.attempts is
  'How many times the job was claimed; a value above 1 means an earlier worker let its lease expire.';
comment on column nightshift.jobs.lease_owner is
  'Worker id holding the job; null when nobody does.';
comment on column nightshift.jobs.lease_expires_at is
  'Set with lease_owner: after this time another worker may take the job over.';
comment on column nightshift.jobs.dedupe_key is
  'Optional: a second job with the same key is not enqueued while the first exists.';
-- The claim statement walks this index one priority at a time (equality on priority, range on
-- run_at, already in order), so its plan does not depend on statistics and never reads a leased or
-- future job. Leased jobs are outside the index, which keeps it small while a burst is worked off.
create index jobs_claim_idx
  on nightshift.jobs (priority desc, run_at, id)
  where lease_owner is null;
-- Jobs whose lease may run out (only in-flight jobs): found again when a worker died.
create index jobs_lease_expires_at_idx
  on nightshift.jobs (lease_expires_at)
  where lease_owner is not null;
-- The foreign key's cascade when an execution is deleted.
create index jobs_execution_id_idx
  on nightshift.jobs (execution_id)
  where execution_id is not null;

create table nightshift.task_tokens (
  token_hash text primary key,
  execution_id uuid not null references nightshift.executions (id) on delete cascade,
  state_name text not null,
  invocation_id text not null,
  attempt int not null,
  expires_at timestamptz,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table nightshift.task_tokens is
  'Task tokens handed out by .waitForTaskToken states and activities; the answer (success, failure, heartbeat) is matched here.';
comment on column nightshift.task_tokens.invocation_id is
  'The invocation of the Task state that waits for this token (the interpreter''s own id).';
comment on column nightshift.task_tokens.token_hash is
  'SHA-256 of the token ($$.Task.Token); the token itself is never stored.';
comment on column nightshift.task_tokens.attempt is
  'The state''s attempt the token belongs to: an answer for an older attempt is refused.';
comment on column nightshift.task_tokens.expires_at is
  'After this the token is refused (HeartbeatSeconds or TimeoutSeconds ran out); null when the state set no limit.';
comment on column nightshift.task_tokens.used_at is
  'When success or failure was accepted; a used token is refused.';
create index task_tokens_execution_id_idx
  on nightshift.task_tokens (execution_id);
