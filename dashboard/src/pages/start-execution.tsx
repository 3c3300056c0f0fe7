/**
 * Start an execution by hand: its input from a form made of the workflow's parameters (or as JSON,
 * always at hand), an optional name and idempotency key, and when: now (waiting a few seconds for the
 * end, if asked), at a time, or after a delay (a scheduled run). The server checks the input.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/notice.tsx';
import { useAction, useApi } from '../data.tsx';
import { formFields, inputOf, valuesOf, type FormField } from '../execution/schema-form.ts';
import { fromLocalInput, prettyJson } from '../format.ts';
import { href, useRouter } from '../router.tsx';

type When = 'now' | 'at' | 'after';

export function StartExecution({ workflow, parameters, onClose }: { workflow: string; parameters?: unknown; onClose(): void }) {
  const { api } = useApi();
  const { navigate } = useRouter();
  const action = useAction();
  const fields = useMemo(() => formFields(parameters), [parameters]);
  const [mode, setMode] = useState<'form' | 'json'>(fields ? 'form' : 'json');
  const [values, setValues] = useState<Record<string, string>>({});
  const [json, setJson] = useState('{\n  \n}');
  const [extra, setExtra] = useState({ name: '', key: '', wait: '', when: 'now' as When, at: '', after: '60' });
  const [problem, setProblem] = useState<string | null>(null);
  const input = (): unknown => {
    if (mode === 'form' && fields) return inputOf(fields, values);
    try {
      return JSON.parse(json);
    } catch (e) {
      throw new Error(`The input is not JSON: ${(e as Error).message}`);
    }
  };
  const switchTo = (next: 'form' | 'json') => {
    try {
      if (next === 'json' && fields) setJson(prettyJson(inputOf(fields.map((f) => ({ ...f, required: false })), values)));
      if (next === 'form' && fields) setValues(valuesOf(fields, JSON.parse(json)));
      setProblem(null);
      setMode(next);
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = input();
    } catch (e) {
      setProblem((e as Error).message);
      return;
    }
    setProblem(null);
    if (extra.when === 'now') {
      const options = { name: extra.name.trim() || undefined, idempotencyKey: extra.key.trim() || undefined, wait: extra.wait ? Number(extra.wait) : undefined };
      void action.run(() => api.startExecution(workflow, parsed, options), undefined, (started) => navigate(`/executions/${started.executionId}`));
    } else {
      const when = extra.when === 'at' ? { at: fromLocalInput(extra.at) } : { delaySeconds: Number(extra.after) };
      void action.run(() => api.scheduleRun(workflow, { input: parsed, ...when }), undefined, () => navigate(href('/scheduler', { workflow })));
    }
  };
  const set = (field: keyof typeof extra) => (e: { target: { value: string } }) => setExtra({ ...extra, [field]: e.target.value });
  return (
    <form className="stack" onSubmit={submit} aria-label="Start an execution">
      {fields && (
        <div className="tab-list" role="tablist" aria-label="Input as">
          <button type="button" role="tab" aria-selected={mode === 'form'} className={mode === 'form' ? 'tab active' : 'tab'} onClick={() => switchTo('form')}>Form</button>
          <button type="button" role="tab" aria-selected={mode === 'json'} className={mode === 'json' ? 'tab active' : 'tab'} onClick={() => switchTo('json')}>JSON</button>
        </div>
      )}
      {mode === 'form' && fields ? <ParameterFields fields={fields} values={values} onChange={setValues} /> : (
        <label className="field">Input (JSON)
          <textarea className="code-input" rows={8} value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} name="input" />
        </label>
      )}
      <div className="form-grid">
        <label>Name <span className="hint">optional, unique per workflow: starting twice with one name starts once</span>
          <input value={extra.name} onChange={set('name')} name="execution-name" /></label>
        <label>Idempotency key <span className="hint">optional: a retry with the same key answers the first execution</span>
          <input value={extra.key} onChange={set('key')} name="idempotency-key" /></label>
        <fieldset>
          <legend>When</legend>
          <label className="check"><input type="radio" name="when" checked={extra.when === 'now'} onChange={() => setExtra({ ...extra, when: 'now' })} /> Now</label>
          {extra.when === 'now' && <label>Wait for the end, seconds (0 to 60)<input type="number" min={0} max={60} value={extra.wait} onChange={set('wait')} name="wait" /></label>}
          <label className="check"><input type="radio" name="when" checked={extra.when === 'at'} onChange={() => setExtra({ ...extra, when: 'at' })} /> At a time</label>
          {extra.when === 'at' && <label>Start at<input type="datetime-local" value={extra.at} onChange={set('at')} required /></label>}
          <label className="check"><input type="radio" name="when" checked={extra.when === 'after'} onChange={() => setExtra({ ...extra, when: 'after' })} /> After a delay</label>
          {extra.when === 'after' && <label>Start after, seconds<input type="number" min={0} value={extra.after} onChange={set('after')} required /></label>}
        </fieldset>
      </div>
      <ErrorNotice error={problem ?? action.error} onClose={() => { setProblem(null); action.clear(); }} />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={action.busy}>{extra.when === 'now' ? 'Start execution' : 'Schedule the run'}</button>
        <button type="button" className="button" onClick={onClose}>Cancel</button>
      </div>
    </form>
  );
}

function ParameterFields({ fields, values, onChange }: { fields: FormField[]; values: Record<string, string>; onChange(values: Record<string, string>): void }) {
  const set = (name: string, value: string) => onChange({ ...values, [name]: value });
  return (
    <div className="form-grid" data-testid="parameter-fields">
      {fields.map((f) => {
        const label = <>{f.name}{f.required && <span aria-hidden className="error-text"> *</span>}{f.description && <span className="hint"> {f.description}</span>}</>;
        const value = values[f.name] ?? '';
        if (f.kind === 'boolean') {
          return <label key={f.name}>{label}<select value={value} onChange={(e) => set(f.name, e.target.value)} aria-label={f.name}><option value="">(not given)</option><option value="true">true</option><option value="false">false</option></select></label>;
        }
        if (f.kind === 'enum') {
          return <label key={f.name}>{label}<select value={value} onChange={(e) => set(f.name, e.target.value)} required={f.required} aria-label={f.name}><option value="">Choose…</option>{f.options.map((o) => <option key={o} value={o}>{o}</option>)}</select></label>;
        }
        if (f.kind === 'json') {
          return <label key={f.name} className="full">{label}<textarea className="code-input" rows={3} value={value} onChange={(e) => set(f.name, e.target.value)} aria-label={f.name} placeholder="JSON" /></label>;
        }
        const type = f.kind === 'text' ? f.inputType : 'number';
        return <label key={f.name}>{label}<input type={type} step={f.kind === 'integer' ? 1 : 'any'} value={value} onChange={(e) => set(f.name, e.target.value)} required={f.required} aria-label={f.name} /></label>;
      })}
    </div>
  );
}
