/** Every deployed workflow, with how it runs and what starts it. */
import { Tag } from '../components/status-badge.tsx';
import { ErrorNotice, Empty, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page.tsx';
import { TriggerTags } from '../components/triggers.tsx';
import { useApi, useResource } from '../data.tsx';
import { absoluteTime, relativeTime } from '../format.ts';
import { Link } from '../router.tsx';

export function WorkflowsPage() {
  const { api } = useApi();
  const list = useResource(() => api.workflows(), 'workflows');
  return (
    <>
      <PageHeader title="Workflows" subtitle="State machines deployed from the project's workflows/ folder."
        actions={<button type="button" className="button" onClick={list.reload}>Refresh</button>} />
      <ErrorNotice error={list.error} />
      <Card>
        {!list.data ? <Loading /> : list.data.items.length === 0 ? (
          <Empty>No workflow is deployed yet. Put a file in <code>workflows/</code> and run <code>nightshift dev</code>.</Empty>
        ) : (
          <table className="table" data-testid="workflows">
            <thead>
              <tr><th>Name</th><th>Mode</th><th>Auth</th><th>Triggers</th><th>Privacy rules</th><th>Updated</th></tr>
            </thead>
            <tbody>
              {list.data.items.map((w) => (
                <tr key={w.name}>
                  <td><Link to={`/workflows/${encodeURIComponent(w.name)}`} className="strong">{w.name}</Link>
                    {w.metadata?.description && <div className="muted small">{w.metadata.description}</div>}</td>
                  <td>{w.metadata?.mode ?? '—'}</td>
                  <td>{w.metadata?.auth ?? '—'}</td>
                  <td><TriggerTags triggers={w.metadata?.triggers ?? []} /></td>
                  <td>{w.metadata?.ignorePrivacyRules ? <Tag tone="orange">ignored</Tag> : <span className="muted">applied</span>}</td>
                  <td title={absoluteTime(w.updatedAt)}>{relativeTime(w.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
