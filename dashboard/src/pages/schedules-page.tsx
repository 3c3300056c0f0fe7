/** Recurring schedules (cron or every): when they fire next, what they started last; pause, resume, delete. */
import type { Schedule } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { DoneNotice, ErrorNotice, Empty, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page.tsx';
import { Pager, usePaging } from '../components/pager.tsx';
import { WorkflowFilter } from '../components/workflow-filter.tsx';
import { StatusBadge, Tag } from '../components/status-badge.tsx';
import { useAction, useApi, useResource } from '../data.tsx';
import { Id } from '../components/id.tsx';
import { absoluteTime, relativeTime, shortId } from '../format.ts';
import { Link, useQueryFilters } from '../router.tsx';
import { ScheduleForm } from './schedule-form.tsx';
import { useState } from 'react';

export function SchedulesPage() {
  const { api } = useApi();
  const paging = usePaging();
  const [{ workflow }, setFilter] = useQueryFilters('/schedules', ['workflow'], paging.reset);
  const page = useResource(() => api.schedules({ workflow: workflow || undefined, cursor: paging.cursor }), `schedules:${workflow}:${paging.cursor ?? ''}`);
  const [form, setForm] = useState<{ editing: Schedule | null } | null>(null);
  return (
    <>
      <PageHeader title="Schedules" subtitle="Recurring starts: cron expressions and fixed intervals, from workflow files or the API."
        actions={<><button type="button" className="button button-primary" onClick={() => setForm({ editing: null })}>New schedule</button><button type="button" className="button" onClick={page.reload}>Refresh</button></>} />
      {form && (
        <Card title={form.editing ? `Edit the schedule ${form.editing.key ?? ''}` : 'New cron schedule'}>
          <ScheduleForm key={form.editing?.scheduleId ?? 'new'} editing={form.editing} onCancel={() => setForm(null)} onSaved={() => { setForm(null); page.reload(); }} />
        </Card>
      )}
      <Card>
        <div className="filters">
          <WorkflowFilter value={workflow} onChange={(name) => setFilter({ workflow: name })} />
        </div>
        <ErrorNotice error={page.error} />
        {!page.data ? <Loading /> : page.data.items.length === 0 ? <Empty>No schedule. Add <code>cron:</code> to a workflow's triggers, or POST /v1/schedules.</Empty>
          : <ScheduleTable items={page.data.items} onChanged={page.reload} onEdit={(s) => setForm({ editing: s })} />}
        <Pager paging={paging} nextCursor={page.data?.nextCursor} count={page.data?.items.length ?? 0} />
      </Card>
    </>
  );
}

export function ScheduleTable({ items, onChanged, onEdit }: { items: Schedule[]; onChanged(): void; onEdit?(schedule: Schedule): void }) {
  const action = useAction();
  return (
    <>
      <ErrorNotice error={action.error} onClose={action.clear} />
      <DoneNotice message={action.done} onClose={action.clear} />
      <table className="table" data-testid="schedules">
        <thead><tr><th>Workflow</th><th>Cadence</th><th>Status</th><th>Next fire</th><th>Last fire</th><th>Source</th><th /></tr></thead>
        <tbody>
          {items.map((s) => <ScheduleRow key={s.scheduleId} schedule={s} run={action.run} busy={action.busy} onChanged={onChanged} onEdit={onEdit} />)}
        </tbody>
      </table>
    </>
  );
}

interface RowProps {
  schedule: Schedule;
  run: ReturnType<typeof useAction>['run'];
  busy: boolean;
  onChanged(): void;
  onEdit?(schedule: Schedule): void;
}

function ScheduleRow({ schedule: s, run, busy, onChanged, onEdit }: RowProps) {
  const { api } = useApi();
  const name = s.key ?? shortId(s.scheduleId);
  return (
    <tr data-schedule={s.scheduleId}>
      <td><Link to={`/workflows/${encodeURIComponent(s.workflow)}`} className="strong">{s.workflow}</Link><div className="muted small">{s.key ? `key ${s.key}` : <Id id={s.scheduleId} />}</div></td>
      <td><code>{s.cron ?? `every ${s.every}`}</code><div className="muted small">{s.timezone}</div></td>
      <td><StatusBadge status={s.paused ? 'PAUSED' : 'ACTIVE'} label={s.paused ? 'paused' : 'active'} />
        {s.lastError && <div className="small error-text" title={s.lastError}>last tick: {s.lastError}</div>}</td>
      <td title={s.nextFireAt ? absoluteTime(s.nextFireAt) : ''}>{s.nextFireAt ? relativeTime(s.nextFireAt) : '—'}</td>
      <td>{s.lastFireAt ? <span title={absoluteTime(s.lastFireAt)}>{relativeTime(s.lastFireAt)}</span> : <span className="muted">never</span>}
        {s.lastExecutionId && <div className="small"><Link to={`/executions/${s.lastExecutionId}`}>last execution</Link></div>}</td>
      <td><Tag tone={s.source === 'file' ? 'blue' : 'gray'} title={s.source === 'file' ? 'Declared in the workflow file' : 'Created through the API'}>{s.source}</Tag></td>
      <td><div className="row-actions">
        {s.paused
          ? <button type="button" className="button button-small" disabled={busy} onClick={() => run(() => api.resumeSchedule(s.scheduleId), `Schedule ${name} resumed.`, onChanged)}>Resume</button>
          : <button type="button" className="button button-small" disabled={busy} onClick={() => run(() => api.pauseSchedule(s.scheduleId), `Schedule ${name} paused.`, onChanged)}>Pause</button>}
        {s.source === 'api' && s.key && s.cron && onEdit && <button type="button" className="button button-small" onClick={() => onEdit(s)}>Edit</button>}
        {s.source === 'api' && (
          <ConfirmButton small label="Delete" confirmLabel="Confirm delete" disabled={busy}
            onConfirm={() => run(() => api.deleteSchedule(s.scheduleId), `Schedule ${name} deleted.`, onChanged)} />
        )}
      </div></td>
    </tr>
  );
}
