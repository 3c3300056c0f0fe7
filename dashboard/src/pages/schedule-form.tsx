/**
 * Creating or editing a cron schedule: workflow, key, expression, timezone and input. While typing,
 * the server checks it as it would on save (POST /v1/schedules/preview) and the next five fires are
 * shown in the schedule's timezone. Saving is POST /v1/schedules, which updates the schedule of the
 * same workflow and key.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Schedule } from '../api/types.ts';
import { ErrorNotice } from '../components/notice.tsx';
import { WorkflowFilter } from '../components/workflow-filter.tsx';
import { useAction, useApi } from '../data.tsx';
import { prettyJson } from '../format.ts';

interface Draft {
  workflow: string;
  key: string;
  cron: string;
  timezone: string;
  input: string;
}

const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/** A fire time as a wall clock in the schedule's timezone: `Mon, Jan 6, 2031, 09:00`. */
export function inZone(iso: string, timezone: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: timezone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

function requestOf(draft: Draft): Record<string, unknown> {
  let input: unknown;
  try {
    input = draft.input.trim() === '' ? {} : JSON.parse(draft.input);
  } catch {
    throw new Error('The input is not JSON.');
  }
  return { workflow: draft.workflow, cron: draft.cron.trim(), timezone: draft.timezone.trim() || 'UTC', input, ...(draft.key.trim() ? { key: draft.key.trim() } : {}) };
}

export function ScheduleForm({ editing, onSaved, onCancel }: { editing: Schedule | null; onSaved(): void; onCancel(): void }) {
  const { api } = useApi();
  const action = useAction();
  const [draft, setDraft] = useState<Draft>({
    workflow: editing?.workflow ?? '', key: editing?.key ?? '', cron: editing?.cron ?? '0 9 * * MON',
    timezone: editing?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone, input: editing ? prettyJson(editing.input) : '{}',
  });
  const [preview, setPreview] = useState<{ upcoming: string[]; timezone: string } | { error: string } | null>(null);
  useEffect(() => {
    if (!draft.workflow || !draft.cron.trim()) return setPreview(null);
    let current = true;
    const timer = setTimeout(() => {
      Promise.resolve().then(() => api.previewSchedule(requestOf(draft))).then(
        (answer) => current && setPreview(answer),
        (error: Error) => current && setPreview({ error: error.message }),
      );
    }, 350);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [JSON.stringify(draft)]);
  const set = (field: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [field]: e.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(() => api.createSchedule(requestOf(draft)), undefined, onSaved);
  };
  return (
    <form className="form-grid" onSubmit={submit} aria-label={editing ? 'Edit the schedule' : 'New schedule'}>
      {editing ? <label>Workflow<input value={draft.workflow} readOnly /></label> : <WorkflowFilter value={draft.workflow} onChange={(workflow) => setDraft({ ...draft, workflow })} />}
      <label>Key<input value={draft.key} onChange={set('key')} readOnly={Boolean(editing)} placeholder="weekly-digest" />
        <span className="hint">Unique per workflow; saving again with the same key updates the schedule.</span></label>
      <label>Cron expression<input value={draft.cron} onChange={set('cron')} spellCheck={false} className="mono" required />
        <span className="hint">5 fields (minute hour day month weekday), or 6 with seconds first.</span></label>
      <label>Timezone<input value={draft.timezone} onChange={set('timezone')} list="timezones" spellCheck={false} />
        <datalist id="timezones">{zones.map((z) => <option key={z} value={z} />)}</datalist></label>
      <label className="field full">Input (JSON)<textarea className="code-input" rows={4} value={draft.input} onChange={set('input')} spellCheck={false} /></label>
      <div className="full" data-testid="schedule-preview" aria-live="polite">
        {preview === null ? <span className="muted">Choose a workflow and an expression to see when it fires.</span>
          : 'error' in preview ? <div className="notice notice-error">{preview.error}</div>
          : (<><strong>Next five fires ({preview.timezone})</strong><ol className="fires">{preview.upcoming.map((t) => <li key={t} className="mono">{inZone(t, preview.timezone)}</li>)}</ol></>)}
      </div>
      <ErrorNotice error={action.error} onClose={action.clear} />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={action.busy || !draft.workflow}>{editing ? 'Save the schedule' : 'Create the schedule'}</button>
        <button type="button" className="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
