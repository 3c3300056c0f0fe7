/** The executions search: workflow and status apply at once; times, field, name and key on Search. */
import { useState, type FormEvent } from 'react';
import { executionStatuses } from '../api/types.ts';
import { WorkflowFilter } from '../components/workflow-filter.tsx';
import { fromLocalInput, toLocalInput } from '../format.ts';

export const searchNames = ['workflow', 'status', 'after', 'before', 'field', 'name', 'key'] as const;
export type Search = Record<(typeof searchNames)[number], string>;

export function SearchForm({ filter, onSearch }: { filter: Search; onSearch(changes: Partial<Search>): void }) {
  const [draft, setDraft] = useState({ field: filter.field, name: filter.name, key: filter.key, after: toLocalInput(filter.after), before: toLocalInput(filter.before) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch({ field: draft.field.trim(), name: draft.name.trim(), key: draft.key.trim(), after: fromLocalInput(draft.after), before: fromLocalInput(draft.before) });
  };
  const text = (name: 'field' | 'name' | 'key', label: string, placeholder: string, hint?: string) => (
    <label className={name === 'field' ? 'wide' : ''}>{label}
      <input value={draft[name]} placeholder={placeholder} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} aria-label={label} spellCheck={false} />
      {hint && <span className="hint">{hint}</span>}
    </label>
  );
  return (
    <form className="filters" onSubmit={submit} role="search">
      <WorkflowFilter value={filter.workflow} onChange={(name) => onSearch({ workflow: name })} />
      <label>Status
        <select value={filter.status} onChange={(e) => onSearch({ status: e.target.value })} aria-label="Status">
          <option value="">Any status</option>
          {executionStatuses.map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}
        </select>
      </label>
      <label>Started after
        <input type="datetime-local" value={draft.after} onChange={(e) => setDraft({ ...draft, after: e.target.value })} aria-label="Started after" />
      </label>
      <label>Started before
        <input type="datetime-local" value={draft.before} onChange={(e) => setDraft({ ...draft, before: e.target.value })} aria-label="Started before" />
      </label>
      {text('field', 'Input or output field', 'user.email = "a@b.com"', 'The input\'s field; output.total = 42 for the output')}
      {text('name', 'Name', 'exact name')}
      {text('key', 'Idempotency key', 'exact key')}
      <button type="submit" className="button button-primary">Search</button>
    </form>
  );
}
