/** Executions, newest first: filtered by workflow and status (kept in the address), a page at a time. */
import { executionStatuses } from '../api/types.ts';
import { ExecutionTable } from '../components/execution-table.tsx';
import { ErrorNotice, Empty, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page.tsx';
import { Pager, usePaging } from '../components/pager.tsx';
import { useApi, useResource } from '../data.tsx';
import { href, useRouter } from '../router.tsx';

const pageSize = 25;

export function ExecutionsPage() {
  const { api } = useApi();
  const { location, navigate } = useRouter();
  const workflow = location.query.get('workflow') ?? '';
  const status = location.query.get('status') ?? '';
  const paging = usePaging();
  const workflows = useResource(() => api.workflows(), 'workflows');
  const page = useResource(
    () => api.executions({ workflow: workflow || undefined, status: status || undefined, limit: pageSize, cursor: paging.cursor }),
    `executions:${workflow}:${status}:${paging.cursor ?? ''}`,
    { refreshMs: 5000, live: () => paging.page === 1 },
  );
  const filter = (changes: Record<string, string>) => {
    paging.reset();
    navigate(href('/executions', { workflow, status, ...changes }), { replace: true });
  };
  return (
    <>
      <PageHeader title="Executions" subtitle="Runs of every workflow, newest first."
        actions={<button type="button" className="button" onClick={page.reload}>Refresh</button>} />
      <Card>
        <div className="filters">
          <label>Workflow
            <select value={workflow} onChange={(e) => filter({ workflow: e.target.value })} aria-label="Workflow">
              <option value="">All workflows</option>
              {workflows.data?.items.map((w) => <option key={w.name} value={w.name}>{w.name}</option>)}
            </select>
          </label>
          <label>Status
            <select value={status} onChange={(e) => filter({ status: e.target.value })} aria-label="Status">
              <option value="">Any status</option>
              {executionStatuses.map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}
            </select>
          </label>
        </div>
        <ErrorNotice error={page.error} />
        {!page.data ? <Loading /> : page.data.items.length === 0 ? <Empty>No execution matches.</Empty> : <ExecutionTable items={page.data.items} />}
        <Pager paging={paging} nextCursor={page.data?.nextCursor} count={page.data?.items.length ?? 0} />
      </Card>
    </>
  );
}
