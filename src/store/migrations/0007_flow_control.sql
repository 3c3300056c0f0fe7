-- Flow control: a start of a workflow with a `flow:` block (concurrency, rate limit, debounce,
-- singleton) is first written here, then admitted — its execution started — when its limits allow.
-- An admitted row stays while its execution runs (it holds a concurrency slot) and while it counts in
-- a rate-limit window; admission removes it after that.
create table nightshift.flow_waits (
  id uuid primary key,
  workflow_name text not null,
  version_id text not null references nightshift.workflow_versions (id),
  flow_keys jsonb not null,
  input jsonb not null,
  start jsonb not null,
  idempotency_key text,
  priority int not null default 0,
  reason text,
  due_at timestamptz not null,
  created_at timestamptz not null,
  admitted_at timestamptz,
  started_at timestamptz
);
comment on table nightshift.flow_waits is
  'Starts of flow-controlled workflows: waiting (admitted_at null, with the reason) or admitted and still counted against the limits.';
comment on column nightshift.flow_waits.id is
  'The id the execution has (or will have) once admitted.';
comment on column nightshift.flow_waits.flow_keys is
  'The keys evaluated from the input when the start was asked: {concurrency, rateLimit, debounce, singleton}.';
comment on column nightshift.flow_waits.start is
  'The rest of the start request (name, identity, parent, chain, callback token, notifyOnEnd), used when it is admitted.';
comment on column nightshift.flow_waits.idempotency_key is
  'The start''s Idempotency-Key: a second start with it answers this row (or its execution).';
comment on column nightshift.flow_waits.reason is
  'Why it waits, e.g. "concurrency limit 1 reached for key user-1"; null once admitted.';
comment on column nightshift.flow_waits.due_at is
  'Not admitted before this time: the end of the debounce window, else when the start was asked.';
comment on column nightshift.flow_waits.admitted_at is
  'When admission let it start; null while it waits.';
comment on column nightshift.flow_waits.started_at is
  'When its execution was created; an admitted row without it is started again by the next admission.';
-- Admission reads every row of one workflow; debounce finds the waiting row of a key.
create index flow_waits_workflow_idx on nightshift.flow_waits (workflow_name, created_at);
-- A second start with the same Idempotency-Key while the first waits.
create unique index flow_waits_idempotency_key_idx on nightshift.flow_waits (workflow_name, idempotency_key)
  where idempotency_key is not null;
