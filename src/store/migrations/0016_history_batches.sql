-- History stored as one row per committed step of one execution thread (issue 14's data-model
-- decision), the way Temporal stores history in batches: a one-Task execution writes 2 history rows
-- (its start, its Task's end) instead of 7, and each row is one index entry instead of three or four.
-- The events keep their numbers (first_seq + position) and the API reads them one by one as before;
-- the view nightshift.history_events gives one row per event for SQL readers, with the old table's
-- columns.

create table nightshift.history (
  execution_id uuid not null,
  first_seq int not null,
  batch jsonb not null,
  created_at timestamptz not null default now(),
  primary key (execution_id, first_seq)
);
comment on table nightshift.history is
  'Append-only history, one row per committed step of an execution or branch: that step''s events in order. Read one event per row through the view nightshift.history_events.';
comment on column nightshift.history.execution_id is
  'The execution (or branch) the events belong to. No foreign key: written only by the step holding that execution''s row, removed with it by retention.';
comment on column nightshift.history.first_seq is
  'The number of the batch''s first event; the others follow without gaps (events are numbered per execution from 0).';
comment on column nightshift.history.batch is
  'A history batch document (docs/stored-formats.md): {"format": 1, "events": [{"type", "state_name", "details", "at"?}, ...]}; "at" only where an event''s time differs from created_at.';
comment on column nightshift.history.created_at is
  'When the step ran (the time of its events).';

-- Existing events become batches: a run of consecutive numbers of one execution written at the
-- same time (one step's events) is one row; every event keeps its number, type, state, details and time.
insert into nightshift.history (execution_id, first_seq, batch, created_at)
select execution_id, min(seq),
       jsonb_build_object('format', 1, 'events',
         jsonb_agg(jsonb_build_object('type', type, 'state_name', state_name, 'details', details) order by seq)),
       created_at
from (
  select h.*, h.seq - row_number() over (partition by h.execution_id, h.created_at order by h.seq) as run
  from nightshift.history_events h
) numbered
group by execution_id, created_at, run;

drop table nightshift.history_events;

create view nightshift.history_events as
select h.execution_id,
       h.first_seq + (e.n - 1)::int as seq,
       e.event ->> 'type' as type,
       e.event ->> 'state_name' as state_name,
       e.event -> 'details' as details,
       coalesce((e.event ->> 'at')::timestamptz, h.created_at) as created_at
from nightshift.history h
cross join lateral jsonb_array_elements(h.batch -> 'events') with ordinality as e(event, n);
comment on view nightshift.history_events is
  'One row per history event (the shape of the table this view replaced in 0016): seq from 0 without gaps per execution, type, state_name, details, created_at. Filter on execution_id: the view unpacks nightshift.history''s batches.';
