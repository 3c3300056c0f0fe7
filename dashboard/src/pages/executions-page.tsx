/**
 * Executions, newest first: searched by workflow, status, start time, a field of the input or output,
 * name or idempotency key (kept in the address), a page at a time, reloading while on the first page.
 * Chosen rows are stopped or redriven together.
 */
import { useMemo, useState } from 'react';
import { ExecutionTable, type Selection } from '../components/execution-table.tsx';
import { ErrorNotice, Empty, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page.tsx';
import { Pager, usePaging } from '../components/pager.tsx';
import { Updated } from '../components/updated.tsx';
import { useApi, useResource } from '../data.tsx';
import { searchQuery } from '../execution/search.ts';
import { useQueryFilters } from '../router.tsx';
import { BulkActions } from './bulk-actions.tsx';
import { SearchForm, searchNames } from './execution-search.tsx';

const pageSize = 25;

export function ExecutionsPage() {
  const { api } = useApi();
  const paging = usePaging();
  const [filter, setFilter] = useQueryFilters('/executions', searchNames, paging.reset);
  const [query, queryError] = useMemo(() => {
    try {
      return [searchQuery(filter), null];
    } catch (error) {
      return [null, error as Error];
    }
  }, [JSON.stringify(filter)]);
  const page = useResource(
    () => (query ? api.executions({ ...query, limit: pageSize, cursor: paging.cursor }) : Promise.resolve({ items: [], nextCursor: null })),
    `executions:${JSON.stringify(query)}:${paging.cursor ?? ''}`,
    { refreshMs: 5000, live: () => paging.page === 1 },
  );
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const selection: Selection = {
    selected,
    set: (ids, on) => setSelected((old) => {
      const next = new Set(old);
      for (const id of ids) if (on) next.add(id); else next.delete(id);
      return next;
    }),
  };
  const chosen = (page.data?.items ?? []).filter((e) => selected.has(e.executionId));
  return (
    <>
      <PageHeader title="Executions" subtitle="Runs of every workflow, newest first."
        actions={<><Updated at={page.updatedAt} live={paging.page === 1} /><button type="button" className="button" onClick={page.reload}>Refresh</button></>} />
      <Card>
        <SearchForm filter={filter} onSearch={setFilter} />
        <ErrorNotice error={queryError ?? page.error} />
        <BulkActions chosen={chosen} onDone={() => { setSelected(new Set()); page.reload(); }} />
        {!page.data ? <Loading /> : page.data.items.length === 0 ? <Empty>No execution matches.</Empty> : <ExecutionTable items={page.data.items} selection={selection} />}
        <Pager paging={paging} nextCursor={page.data?.nextCursor} count={page.data?.items.length ?? 0} />
      </Card>
    </>
  );
}
