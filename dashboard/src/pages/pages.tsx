/** The route table: a path pattern per page. */
import { useEffect, type ReactElement } from 'react';
import { Empty } from '../components/notice.tsx';
import { Link, match, useRouter } from '../router.tsx';
import { ExecutionPage } from './execution-page.tsx';
import { ExecutionsPage } from './executions-page.tsx';
import { KeysPage } from './keys-page.tsx';
import { SchedulerPage } from './scheduler-page.tsx';
import { SchedulesPage } from './schedules-page.tsx';
import { TableTriggersPage } from './table-triggers-page.tsx';
import { WorkflowPage } from './workflow-page.tsx';
import { WorkflowsPage } from './workflows-page.tsx';

const routes: Array<[string, (params: Record<string, string>) => ReactElement]> = [
  ['/workflows', () => <WorkflowsPage />],
  ['/workflows/:name', (p) => <WorkflowPage name={p.name} />],
  ['/executions', () => <ExecutionsPage />],
  ['/executions/:id', (p) => <ExecutionPage id={p.id} />],
  ['/scheduler', () => <SchedulerPage />],
  ['/schedules', () => <SchedulesPage />],
  ['/table-triggers', () => <TableTriggersPage />],
  ['/keys', () => <KeysPage />],
];

export function Pages() {
  const { location, navigate } = useRouter();
  const atRoot = location.path === '/';
  useEffect(() => {
    if (atRoot) navigate('/workflows', { replace: true });
  }, [atRoot]);
  for (const [pattern, page] of routes) {
    const params = match(pattern, location.path);
    // Keyed by path: moving from one execution to another starts the page afresh.
    if (params) return <div key={location.path}>{page(params)}</div>;
  }
  if (atRoot) return null;
  return <Empty>No page here. <Link to="/workflows">Go to the workflows</Link>.</Empty>;
}
