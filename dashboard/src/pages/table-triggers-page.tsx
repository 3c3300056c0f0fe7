/** The table triggers the deployed workflows installed: the watched table, operations, condition, role, backlog. */
import type { TableTrigger } from '../api/types.ts';
import { ErrorNotice, Empty, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page.tsx';
import { StatusBadge, Tag } from '../components/status-badge.tsx';
import { useApi, useResource } from '../data.tsx';
import { Link } from '../router.tsx';

export function TableTriggersPage() {
  const { api } = useApi();
  const list = useResource(() => api.tableTriggers(), 'table-triggers', { refreshMs: 5000 });
  return (
    <>
      <PageHeader title="Table triggers" subtitle="Workflows started by changes to database tables, delivered once per committed transaction."
        actions={<button type="button" className="button" onClick={list.reload}>Refresh</button>} />
      <ErrorNotice error={list.error} />
      <Card>
        {!list.data ? <Loading /> : list.data.items.length === 0
          ? <Empty>No table trigger. Add <code>{'- table: public.users'}</code> to a workflow's triggers.</Empty>
          : <TableTriggerTable items={list.data.items} />}
      </Card>
    </>
  );
}

export function TableTriggerTable({ items, showWorkflow = true }: { items: TableTrigger[]; showWorkflow?: boolean }) {
  return (
    <table className="table" data-testid="table-triggers">
      <thead>
        <tr>{showWorkflow && <th>Workflow</th>}<th>Table</th><th>On</th><th>When</th><th>Acts as</th><th>Trigger</th><th>Waiting changes</th></tr>
      </thead>
      <tbody>
        {items.map((t) => (
          <tr key={t.id} data-table-trigger={t.id}>
            {showWorkflow && <td><Link to={`/workflows/${encodeURIComponent(t.workflow)}`} className="strong">{t.workflow}</Link></td>}
            <td><code>{t.table}</code></td>
            <td><span className="tags">{t.operations.map((op) => <Tag key={op} tone="teal">{op}</Tag>)}</span></td>
            <td>{t.when ? <code>{t.when}</code> : <span className="muted">every change</span>}</td>
            <td>{t.role ? <code>{t.role}</code> : <span className="muted">engine role</span>}</td>
            <td>
              <StatusBadge status={t.installed ? 'ACTIVE' : 'FAILED'} label={t.installed ? 'installed' : 'missing: deploy again'} />
              <div className="muted small mono">{t.triggerName}</div>
            </td>
            <td>{t.pendingChanges}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
