/** API keys: who holds which scopes; create one (its secret is shown once, here), revoke one. */
import { useState } from 'react';
import type { ApiKey, CreatedApiKey } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { DoneNotice, ErrorNotice, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page.tsx';
import { StatusBadge, Tag } from '../components/status-badge.tsx';
import { useAction, useApi, useResource, type Action } from '../data.tsx';
import { absoluteTime, relativeTime } from '../format.ts';
import { NewKeyForm } from './new-key-form.tsx';

export function KeysPage() {
  const { api, identity } = useApi();
  const list = useResource(() => api.keys(), 'keys');
  const action = useAction();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader title="API keys" subtitle="Keys are stored as hashes: a key's secret is shown once, when it is created."
        actions={!creating && <button type="button" className="button button-primary" onClick={() => setCreating(true)}>New key</button>} />
      <ErrorNotice error={action.error} onClose={action.clear} />
      <DoneNotice message={action.done} onClose={action.clear} />
      {created && <CreatedKey created={created} onDismiss={() => setCreated(null)} />}
      {creating && (
        <Card title="New key" actions={<button type="button" className="link-button" onClick={() => setCreating(false)}>Close</button>}>
          <NewKeyForm defaultRole={identity.role} onCreated={(key) => { setCreated(key); setCreating(false); list.reload(); }} />
        </Card>
      )}
      <Card>
        <ErrorNotice error={list.error} />
        {!list.data ? <Loading /> : <KeyTable keys={list.data.items} sessionKeyId={identity.keyId} action={action} onChanged={list.reload} />}
      </Card>
    </>
  );
}

function KeyTable({ keys, sessionKeyId, action, onChanged }: { keys: ApiKey[]; sessionKeyId: string | null; action: Action; onChanged(): void }) {
  const { api } = useApi();
  return (
    <table className="table" data-testid="keys">
      <thead><tr><th>Name</th><th>Key</th><th>Role</th><th>Scopes</th><th>Created</th><th>Last used</th><th>Status</th><th /></tr></thead>
      <tbody>
        {keys.map((k) => (
          <KeyRow key={k.id} apiKey={k} current={k.id === sessionKeyId} busy={action.busy}
            onRevoke={() => action.run(() => api.revokeKey(k.id), `Key ${k.name ?? k.prefix} revoked: requests with it are refused from now on.`, onChanged)} />
        ))}
      </tbody>
    </table>
  );
}

function KeyRow({ apiKey: k, current, busy, onRevoke }: { apiKey: ApiKey; current: boolean; busy: boolean; onRevoke(): void }) {
  return (
    <tr data-key={k.id} className={k.revokedAt ? 'revoked' : ''}>
      <td className="strong">{k.name ?? <span className="muted">unnamed</span>}{current && <Tag tone="blue">this session</Tag>}</td>
      <td className="mono">ns_{k.prefix}_…</td>
      <td><code>{k.role}</code></td>
      <td><span className="tags">{k.scopes.map((s) => <Tag key={s} tone={s === 'admin' ? 'orange' : 'gray'}>{s}</Tag>)}</span>
        {k.rateLimitPerMinute !== null && <div className="muted small">{k.rateLimitPerMinute} starts/min</div>}</td>
      <td title={absoluteTime(k.createdAt)}>{relativeTime(k.createdAt)}</td>
      <td>{k.lastUsedAt ? <span title={absoluteTime(k.lastUsedAt)}>{relativeTime(k.lastUsedAt)}</span> : <span className="muted">never</span>}</td>
      <td><StatusBadge status={k.revokedAt ? 'REVOKED' : 'ACTIVE'} label={k.revokedAt ? 'revoked' : 'active'} /></td>
      <td><div className="row-actions">
        {!k.revokedAt && (
          <ConfirmButton small label="Revoke" confirmLabel={current ? 'Confirm: sign me out too' : 'Confirm revoke'} onConfirm={onRevoke} disabled={busy} />
        )}
      </div></td>
    </tr>
  );
}

function CreatedKey({ created, onDismiss }: { created: CreatedApiKey; onDismiss(): void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret-box" data-testid="created-key" role="status">
      <div>
        <strong>Key {created.name ?? created.prefix} created.</strong> Copy it now: it is shown only this once and cannot be recovered.
      </div>
      <div className="secret-line">
        <code className="secret" data-testid="created-key-value">{created.key}</code>
        <button type="button" className="button button-small" onClick={() => void navigator.clipboard?.writeText(created.key).then(() => setCopied(true))}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
      <button type="button" className="link-button" onClick={onDismiss}>I have stored it, hide it</button>
    </div>
  );
}
