-- Table-change triggers: a workflow subscribes to INSERT / UPDATE / DELETE on a user table.
-- Nightshift installs one row trigger per subscription on the watched table; it writes each change
-- into nightshift.outbox inside the user's own transaction, so a rolled-back change leaves nothing
-- and nothing is seen before commit. Workers drain the outbox (src/triggers/table-changes.ts).

create table nightshift.table_subscriptions (
  id bigint generated always as identity primary key,
  workflow_name text not null references nightshift.workflows (name),
  schema_name text not null,
  table_name text not null,
  operations text[] not null,
  when_sql text,
  identity jsonb,
  trigger_name text not null,
  created_at timestamptz not null default now(),
  dropped_at timestamptz,
  constraint table_subscriptions_operations_check
    check (cardinality(operations) > 0 and operations <@ array['INSERT', 'UPDATE', 'DELETE'])
);
comment on table nightshift.table_subscriptions is
  'One table trigger of a workflow file: the watched table, its operations and when condition, and the Postgres trigger installed for it.';
comment on column nightshift.table_subscriptions.operations is
  'The operations watched, among INSERT, UPDATE and DELETE.';
comment on column nightshift.table_subscriptions.when_sql is
  'The SQL condition over old and new, compiled into the trigger''s WHEN clause; null when every change counts.';
comment on column nightshift.table_subscriptions.identity is
  'Who the started executions act as ({role, claims}): table-change triggers always respect privacy rules. Null when the trigger names no role.';
comment on column nightshift.table_subscriptions.trigger_name is
  'Name of the Postgres trigger on the watched table.';
comment on column nightshift.table_subscriptions.dropped_at is
  'Set when the workflow no longer declares this trigger: the Postgres trigger is gone, the changes it captured are still delivered, then the row is deleted.';
-- A workflow's live subscriptions, read at every deploy.
create index table_subscriptions_workflow_name_idx
  on nightshift.table_subscriptions (workflow_name)
  where dropped_at is null;

-- No foreign key to table_subscriptions: it would add a lookup and a row lock to every change the
-- user's transactions make. Subscriptions are only deleted once none of their rows are left.
create table nightshift.outbox (
  id bigint generated always as identity primary key,
  tx_id xid8 not null default pg_current_xact_id(),
  subscription_id bigint not null,
  op text not null check (op in ('INSERT', 'UPDATE', 'DELETE')),
  schema_name text not null,
  table_name text not null,
  record jsonb,
  old_record jsonb,
  changed_at timestamptz not null default clock_timestamp()
);
comment on table nightshift.outbox is
  'Changes captured by table triggers, written in the changing transaction and deleted once delivered.';
comment on column nightshift.outbox.tx_id is
  'The top-level transaction that made the change (pg_current_xact_id()): its rows are delivered together.';
comment on column nightshift.outbox.subscription_id is
  'The table_subscriptions row whose trigger captured the change.';
comment on column nightshift.outbox.record is
  'The row after the change (NEW); null for DELETE.';
comment on column nightshift.outbox.old_record is
  'The row before the change (OLD); null for INSERT.';
comment on column nightshift.outbox.changed_at is
  'When the row changed (clock_timestamp()); the latest of a transaction stands for its commit time unless track_commit_timestamp is on.';
-- The rows of one transaction, read together by the drain.
create index outbox_tx_id_idx on nightshift.outbox (tx_id);

-- The row trigger of every subscription; tg_argv[0] is the subscription id. SECURITY DEFINER so that
-- a role allowed to write the watched table need not be allowed to write nightshift.outbox; the
-- fixed search_path keeps it from resolving names through the caller's.
create function nightshift.capture_table_change() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
  insert into nightshift.outbox (subscription_id, op, schema_name, table_name, record, old_record)
  values (
    tg_argv[0]::bigint, tg_op, tg_table_schema, tg_table_name,
    case when tg_op <> 'DELETE' then to_jsonb(new) end,
    case when tg_op <> 'INSERT' then to_jsonb(old) end
  );
  return null;
end
$$;
comment on function nightshift.capture_table_change() is
  'Row trigger installed on watched tables: writes the change into nightshift.outbox in the same transaction.';
