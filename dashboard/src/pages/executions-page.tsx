/** Executions, newest first: filtered by workflow and status (kept in the address), a page at a time. */
import { executionStatuses } from '../api/types.ts';
import { ExecutionTable } from '../components/execution-table.tsx';
import { ErrorNotice, Empty, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page.tsx';
import { Pager, usePaging } from '../components/pager.tsx';
import { Updated } from '../components/updated.tsx';
import { WorkflowFilter } from '../components/workflow-filter.tsx';
import { useApi, useResource } from '../data.tsx';
import { useQueryFilters } from '../router.tsx';

const pageSize = 25;

export function ExecutionsPage() {
  const { api } = useApi();
  const paging = usePaging();
  const [filter, setFilter] = useQueryFilters('/executions', ['workflow', 'status'], paging.reset);
  const { workflow, status } = filter;
  const page = useResource(
    () => api.executions({ workflow: workflow || undefined, status: status || undefined, limit: pageSize, cursor: paging.cursor }),
    `executions:${workflow}:${status}:${paging.cursor ?? ''}`,
    { refreshMs: 5000, live: () => paging.page === 1 },
  );
  return (
    <>
      <PageHeader title="Executions" subtitle="Runs of every workflow, newest first."
        actions={<><Updated at={page.updatedAt} live={paging.page === 1} /><button type="button" className="button" onClick={page.reload}>Refresh</button></>} />
      <Card>
        <div className="filters">
          <WorkflowFilter value={workflow} onChange={(name) => setFilter({ workflow: name })} />
          <label>Status
            <select value={status} onChange={(e) => setFilter({ status: e.target.value })} aria-label="Status">
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
