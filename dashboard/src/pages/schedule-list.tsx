/**
 * Schedule a list: one run per item of a pasted JSON array or CSV (a header row of field names), spaced
 * by an interval from a start time; then the Scheduler shows the batch and its progress.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/notice.tsx';
import { useAction, useApi } from '../data.tsx';
import { formFields, listInputs } from '../execution/schema-form.ts';
import { fromLocalInput } from '../format.ts';
import { href, useRouter } from '../router.tsx';

export function ScheduleList({ workflow, parameters, onClose }: { workflow: string; parameters?: unknown; onClose(): void }) {
  const { api } = useApi();
  const { navigate } = useRouter();
  const action = useAction();
  const fields = useMemo(() => formFields(parameters), [parameters]);
  const [text, setText] = useState('');
  const [interval, setInterval] = useState('0');
  const [startAt, setStartAt] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let items: unknown[];
    try {
      items = listInputs(text, fields);
    } catch (e) {
      setProblem((e as Error).message);
      return;
    }
    setProblem(null);
    const request = { items, intervalSeconds: Number(interval), ...(startAt ? { startAt: fromLocalInput(startAt) } : {}) };
    void action.run(() => api.scheduleList(workflow, request), undefined, (batch) => navigate(href('/scheduler', { batchId: batch.batchId })));
  };
  const example = fields ? `${fields.map((f) => f.name).join(',')}\n…` : '[{"id": 1}, {"id": 2}]';
  return (
    <form className="stack" onSubmit={submit} aria-label="Schedule a list">
      <label className="field">The list: a JSON array of inputs, or CSV with a header row
        <textarea className="code-input" rows={7} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} placeholder={example} name="list" />
      </label>
      <div className="form-grid">
        <label>Seconds between runs<input type="number" min={0} value={interval} onChange={(e) => setInterval(e.target.value)} required name="interval" /></label>
        <label>First run at <span className="hint">empty: now</span><input type="datetime-local" value={startAt} onChange={(e) => setStartAt(e.target.value)} name="start-at" /></label>
      </div>
      <ErrorNotice error={problem ?? action.error} onClose={() => { setProblem(null); action.clear(); }} />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={action.busy || text.trim() === ''}>Schedule the list</button>
        <button type="button" className="button" onClick={onClose}>Cancel</button>
      </div>
    </form>
  );
}
