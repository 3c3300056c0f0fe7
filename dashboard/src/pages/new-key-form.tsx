/** The form that creates an API key: a name, the Postgres role its executions act as, its scopes. */
import { useState, type FormEvent } from 'react';
import type { CreatedApiKey } from '../api/types.ts';
import { ErrorNotice } from '../components/notice.tsx';
import { useAction, useApi } from '../data.tsx';

const fixedScopes = [
  { scope: 'admin', help: 'everything, this dashboard included' },
  { scope: 'read', help: 'every GET route' },
  { scope: 'tasks', help: 'answer task tokens, poll activities' },
  { scope: 'start:*', help: 'start any workflow' },
];

export function NewKeyForm({ defaultRole, onCreated }: { defaultRole: string; onCreated(key: CreatedApiKey): void }) {
  const { api } = useApi();
  const action = useAction();
  const [name, setName] = useState('');
  const [role, setRole] = useState(defaultRole);
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [startScopes, setStartScopes] = useState('');
  const toggle = (scope: string) => setScopes(scopes.includes(scope) ? scopes.filter((s) => s !== scope) : [...scopes, scope]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const extra = startScopes.split(/[\s,]+/).filter(Boolean).map((w) => (w.startsWith('start:') ? w : `start:${w}`));
    const request = { ...(name.trim() ? { name: name.trim() } : {}), role: role.trim(), scopes: [...scopes, ...extra] };
    void action.run(() => api.createKey(request), undefined, (key) => {
      setName('');
      onCreated(key);
    });
  };
  return (
    <form className="form-grid" onSubmit={submit} aria-label="Create a key">
      <label>Name<input value={name} onChange={(e) => setName(e.target.value)} placeholder="billing-service" name="key-name" /></label>
      <label>Role<input value={role} onChange={(e) => setRole(e.target.value)} required name="key-role" />
        <span className="hint">The Postgres role executions it starts act as (row-level security applies).</span></label>
      <fieldset>
        <legend>Scopes</legend>
        {fixedScopes.map(({ scope, help }) => (
          <label key={scope} className="check">
            <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} name={`scope-${scope}`} />
            <code>{scope}</code> <span className="hint">{help}</span>
          </label>
        ))}
        <label>Start these workflows only<input value={startScopes} onChange={(e) => setStartScopes(e.target.value)} placeholder="welcome, billing" name="key-start" /></label>
      </fieldset>
      <ErrorNotice error={action.error} onClose={action.clear} />
      <div><button type="submit" className="button button-primary" disabled={action.busy || role.trim() === ''}>Create key</button></div>
    </form>
  );
}
