/** Sign in with an admin API key, checked against GET /v1/identity. */
import { useState, type FormEvent } from 'react';
import { signIn, type Session } from '../session.ts';

export function LoginPage({ reason, onSignedIn }: { reason: string | null; onSignedIn(session: Session): void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(reason);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(key.trim()));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form className="login-card" onSubmit={submit}>
        <div className="brand login-brand"><span className="brand-mark" aria-hidden>☾</span> Nightshift</div>
        <h1>Sign in to the dashboard</h1>
        <p className="muted">Paste an API key with the <code>admin</code> scope. It is exchanged for a session of 12 hours in this browser (a cookie scripts cannot read) and kept nowhere.</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" spellCheck={false} placeholder="ns_…"
          value={key} onChange={(e) => setKey(e.target.value)} autoFocus />
        {error && <div className="notice notice-error" role="alert">{error}</div>}
        <button type="submit" className="button button-primary" disabled={busy || key.trim() === ''}>{busy ? 'Checking…' : 'Sign in'}</button>
        <div className="login-help">
          <p><code>npm start</code> (<code>nightshift dev</code>) prints a link that signs you in the first time it runs.</p>
          <p>Make another admin key with <code>nightshift keys create --role &lt;role&gt; --scopes admin</code>.</p>
        </div>
      </form>
    </div>
  );
}
