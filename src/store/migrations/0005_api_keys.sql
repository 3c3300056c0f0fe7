-- API keys: who may call the HTTP API and which Postgres role the executions they start act as.
-- A key is `ns_<prefix>_<secret>`; it is shown once when created. Only the prefix (to find the row
-- and to show it) and the SHA-256 of the secret are stored, never the secret.

create table nightshift.api_keys (
  id uuid primary key,
  name text,
  prefix text not null,
  secret_hash text not null,
  role text not null,
  scopes text[] not null default '{}',
  rate_limit_per_minute int,
  created_at timestamptz not null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  constraint api_keys_prefix_key unique (prefix),
  constraint api_keys_rate_limit_per_minute_check check (rate_limit_per_minute is null or rate_limit_per_minute > 0)
);
comment on table nightshift.api_keys is
  'API keys (nightshift keys create): a key authenticates HTTP API calls; its scopes say what it may do, its role who the executions it starts act as.';
comment on column nightshift.api_keys.name is
  'A label for people (e.g. billing-service); optional.';
comment on column nightshift.api_keys.prefix is
  'The public part of the key (ns_<prefix>_...): finds the row and identifies the key in lists and logs.';
comment on column nightshift.api_keys.secret_hash is
  'SHA-256 (hex) of the 256-bit random secret part of the key; the secret itself is never stored.';
comment on column nightshift.api_keys.role is
  'The Postgres role executions started with this key act as (SET LOCAL ROLE in sql:query), so row-level security applies.';
comment on column nightshift.api_keys.scopes is
  'What the key may do: admin (everything), read (GET routes), tasks (answer task tokens), start:<workflow> or start:* (start executions).';
comment on column nightshift.api_keys.rate_limit_per_minute is
  'Most executions the key may start per minute (a token bucket per process); null: no limit.';
comment on column nightshift.api_keys.last_used_at is
  'Last time the key authenticated a request, updated at most once a minute.';
comment on column nightshift.api_keys.revoked_at is
  'When the key was revoked; a revoked key is refused (401). Rows are kept so lists show what existed.';
