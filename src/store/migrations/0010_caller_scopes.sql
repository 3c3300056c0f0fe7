-- Idempotency keys and execution names belong to the caller that used them. Before, a key was unique
-- per workflow: a second caller sending the first caller's Idempotency-Key got the first caller's
-- execution back, input and output included. Now the key is unique per workflow and caller scope, and
-- a caller reusing its own key with another input is refused (IDEMPOTENCY_KEY_REUSED).
-- Also: an API key may be allowed to act as a privileged role (superuser or BYPASSRLS) only by its
-- own explicit setting.

-- The caller scope of an identity, as executions and scheduled runs record it: `key:<api key id>`,
-- `jwt:<sha-256 of [iss, sub]>`, `anonymous` (a public workflow's caller without credentials), or ''
-- for starts the engine makes itself (cron, table changes, triggers with a configured role), which no
-- caller can have. One definition, used by every insert and lookup, so they cannot disagree.
create function nightshift.caller_scope(identity jsonb) returns text
language sql stable parallel safe as $$
  select case identity ->> 'kind'
    when 'key' then 'key:' || coalesce(identity ->> 'keyId', '')
    when 'jwt' then 'jwt:' || encode(sha256(convert_to(
      jsonb_build_array(identity #>> '{claims,iss}', identity #>> '{claims,sub}')::text, 'UTF8')), 'hex')
    when 'public' then 'anonymous'
    else '' end
$$;
comment on function nightshift.caller_scope(jsonb) is
  'The caller scope of an identity: key:<api key id>, jwt:<sha-256 of [iss, sub]>, anonymous, or '''' for the engine''s own starts.';

-- Adding a column with a constant default writes no row; only the rows with an identity are updated.
alter table nightshift.executions add column caller_scope text not null default '';
comment on column nightshift.executions.caller_scope is
  'nightshift.caller_scope(identity) when started: idempotency keys are unique per workflow and caller scope, and a name taken by one caller is not answered to another.';
update nightshift.executions set caller_scope = nightshift.caller_scope(identity)
  where identity is not null and kind = 'execution';
drop index nightshift.executions_workflow_name_idempotency_key_idx;
create unique index executions_caller_idempotency_key_idx
  on nightshift.executions (workflow_name, caller_scope, idempotency_key)
  where idempotency_key is not null and kind = 'execution';
comment on column nightshift.executions.idempotency_key is
  'Idempotency-Key given at start; a second start by the same caller (caller_scope) with the same key and input returns this execution. Unique per workflow and caller scope when set.';

alter table nightshift.flow_waits add column caller_scope text not null default '';
comment on column nightshift.flow_waits.caller_scope is
  'nightshift.caller_scope of the start''s identity: its Idempotency-Key is unique per workflow and caller scope.';
update nightshift.flow_waits set caller_scope = nightshift.caller_scope(start -> 'identity')
  where start -> 'identity' is not null;
drop index nightshift.flow_waits_idempotency_key_idx;
create unique index flow_waits_caller_idempotency_key_idx on nightshift.flow_waits (workflow_name, caller_scope, idempotency_key)
  where idempotency_key is not null;

alter table nightshift.scheduled_runs add column caller_scope text not null default '';
comment on column nightshift.scheduled_runs.caller_scope is
  'nightshift.caller_scope(identity): the Idempotency-Key is unique per workflow and caller scope.';
update nightshift.scheduled_runs set caller_scope = nightshift.caller_scope(identity)
  where identity is not null and idempotency_key is not null;
drop index nightshift.scheduled_runs_workflow_name_idempotency_key_idx;
create unique index scheduled_runs_caller_idempotency_key_idx
  on nightshift.scheduled_runs (workflow_name, caller_scope, idempotency_key)
  where idempotency_key is not null;
comment on column nightshift.scheduled_runs.idempotency_key is
  'Idempotency-Key given when scheduled (workflow:start passes its own): the same caller, key and input return this run. Unique per workflow and caller scope when set.';

alter table nightshift.scheduled_batches add column caller_scope text not null default '';
alter table nightshift.scheduled_batches add column input_hash text;
comment on column nightshift.scheduled_batches.caller_scope is
  'nightshift.caller_scope of the identity that scheduled the list: the Idempotency-Key is unique per workflow and caller scope.';
comment on column nightshift.scheduled_batches.input_hash is
  'SHA-256 (hex) of the items as jsonb text (jsonb is canonical: key order and spacing do not count): the same key with other items is refused. Null for lists scheduled before it was kept.';
update nightshift.scheduled_batches b
  set caller_scope = coalesce((select nightshift.caller_scope(r.identity) from nightshift.scheduled_runs r where r.batch_id = b.id limit 1), '')
  where idempotency_key is not null;
drop index nightshift.scheduled_batches_workflow_name_idempotency_key_idx;
create unique index scheduled_batches_caller_idempotency_key_idx
  on nightshift.scheduled_batches (workflow_name, caller_scope, idempotency_key)
  where idempotency_key is not null;
comment on column nightshift.scheduled_batches.idempotency_key is
  'Idempotency-Key given when the list was scheduled: the same caller sending the same list again gets this batch. Unique per workflow and caller scope when set.';

alter table nightshift.api_keys add column allow_privileged_role boolean not null default false;
comment on column nightshift.api_keys.allow_privileged_role is
  'The key (admin scope only) may act as its role although that role is a superuser or has BYPASSRLS, or is not in roles: in nightshift.yaml (keys create --allow-privileged-role).';
-- Admin keys made before this setting existed keep working as they did (the key `nightshift dev`
-- makes acts as the local database's owner, a superuser); every other key is held to roles:.
update nightshift.api_keys set allow_privileged_role = true
  where 'admin' = any (scopes) and role not in ('anon', 'authenticated');
