-- Traces of durable executions (docs/observability.md): the spans of one execution are made by
-- different processes over time, so the trace context they hang under is stored on the row.
alter table nightshift.executions add column traceparent text null;
comment on column nightshift.executions.traceparent is
  'W3C traceparent of the execution''s root span (a child of the caller''s when the start carried one); null when tracing was off at the start. Branches copy their execution''s.';
