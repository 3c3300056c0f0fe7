-- Dashboard sessions: an admin key exchanged once per browser (POST /v1/sessions) for a session
-- token held in an HttpOnly cookie. Only the SHA-256 of the token is stored. A session acts as its
-- key: revoking the key ends its sessions.

create table nightshift.sessions (
  id uuid primary key,
  token_hash text not null,
  key_id uuid not null references nightshift.api_keys (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  constraint sessions_token_hash_key unique (token_hash)
);
create index sessions_expires_at_idx on nightshift.sessions (expires_at);
comment on table nightshift.sessions is
  'Dashboard sign-ins: a session cookie stands for the admin key it was exchanged for, until it expires or is signed out (the row is deleted).';
comment on column nightshift.sessions.token_hash is
  'SHA-256 (hex) of the 256-bit random session token; the token itself lives only in the browser''s HttpOnly cookie.';
comment on column nightshift.sessions.key_id is
  'The key the session was exchanged for: its role and scopes are the session''s, and revoking it ends the session.';
comment on column nightshift.sessions.expires_at is
  'After this the cookie is refused (401) and the row is deleted on the next sign-in.';

-- Finding executions by a field of their input or output (GET /v1/executions?input.user.email=a@b.com,
-- answered with `input @> '{"user":{"email":"a@b.com"}}'`). jsonb_path_ops: smaller than the default
-- operator class and made for @>. Top-level executions only, as the list is: branches (Map items)
-- add no index writes.
create index executions_input_idx on nightshift.executions using gin (input jsonb_path_ops) where kind = 'execution';
create index executions_output_idx on nightshift.executions using gin (output jsonb_path_ops) where kind = 'execution';
