-- What each committed step costs Postgres (docs/performance.md, "Where the time goes").

-- A step that leaves the execution RUNNING changes only unindexed columns (snapshot, event_count,
-- updated_at, progress). With room left on the row's page Postgres rewrites it in place (a HOT
-- update: no new index entries): measured on this machine, 69 µs -> 35 µs per row in a batch of
-- 100, and every step of a multi-step workflow but its last is such a step. Pages written from now
-- on keep 15% free for it.
alter table nightshift.executions set (fillfactor = 85);

-- History rows are written several per step (three to start a Task, four to finish one) and the
-- foreign key checked each against executions_pkey: ~5 µs per row, a fifth of the insert. Events are
-- only ever written by the step that holds the execution's row lock, so the check proved nothing the
-- engine did not already ensure; retention deletes an execution's events (and its branches') in the
-- statement that deletes it.
alter table nightshift.history_events drop constraint history_events_execution_id_fkey;
comment on column nightshift.history_events.execution_id is
  'The execution (or branch) the event belongs to. No foreign key: written only by the step holding that execution''s row, removed with it by retention.';
