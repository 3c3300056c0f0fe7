-- Resource routing (issue 12): a worker claims only the invoke jobs of resources it serves, so a job
-- carries its Task's resource name beside its payload, and workers say what they serve in a row they
-- renew, so the API can tell "no running worker serves it" from "busy".
alter table nightshift.jobs add column resource text null;
comment on column nightshift.jobs.resource is
  'invoke jobs: the Task''s resource (render, http:invoke, activity:resize); only a worker that serves it claims the job. Null for every other kind, which any worker claims.';
-- The invoke jobs nobody has claimed, by resource: what the Scheduler lists as waiting for a worker.
create index jobs_resource_idx on nightshift.jobs (resource, run_at, id)
  where resource is not null and lease_owner is null;

create table nightshift.workers (
  id text primary key,
  resources text[] not null,
  started_at timestamptz not null,
  seen_at timestamptz not null,
  expires_at timestamptz not null
);
comment on table nightshift.workers is
  'The workers running now and the resources each serves, one row per worker, renewed while it runs and deleted when it stops; a row past expires_at belongs to a worker that is gone.';
comment on column nightshift.workers.id is 'The worker''s lease owner id (jobs.lease_owner).';
comment on column nightshift.workers.resources is
  'The resource names it serves; a name ending in * serves every resource that starts with what comes before it (activity:*).';
comment on column nightshift.workers.expires_at is 'When the row stops counting unless renewed (three renewal intervals after seen_at).';

-- Removing a workflow archives it: no new starts, no triggers; its versions and executions stay.
alter table nightshift.workflows add column archived_at timestamptz null;
comment on column nightshift.workflows.archived_at is
  'When the workflow was removed (nightshift workflows remove, DELETE /v1/workflows/{name}, its file deleted under dev): it starts nothing and its triggers are gone. Null while deployed; deploying it again clears it.';
