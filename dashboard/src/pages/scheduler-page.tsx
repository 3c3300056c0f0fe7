/**
 * The Scheduler: everything due later, in due order — scheduled runs, executions sleeping in a Wait,
 * task-token waits, the next cron fires — with run now and cancel, one at a time or a whole batch.
 */
import { useState } from 'react';
import { scheduledItemKinds, type ScheduledItem } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { DoneNotice, ErrorNotice, Empty, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page.tsx';
import { Pager, usePaging } from '../components/pager.tsx';
import { Updated } from '../components/updated.tsx';
import { WorkflowFilter } from '../components/workflow-filter.tsx';
import { Tag } from '../components/status-badge.tsx';
import { useAction, useApi, useResource, type Action } from '../data.tsx';
import { absoluteTime, fromLocalInput, jsonPreview, relativeTime, shortId, toLocalInput } from '../format.ts';
import { href, Link, useQueryFilters } from '../router.tsx';
import { BatchCard } from './batch-card.tsx';
import { Id } from '../components/id.tsx';

const kindLabels: Record<string, { label: string; tone: string }> = {
  'scheduled-run': { label: 'scheduled run', tone: 'purple' },
  wait: { label: 'Wait', tone: 'blue' },
  'task-token': { label: 'task token', tone: 'orange' },
  cron: { label: 'cron', tone: 'teal' },
};

type Filter = Record<'workflow' | 'kind' | 'batchId' | 'before', string>;

export function SchedulerPage() {
  const { api } = useApi();
  const paging = usePaging();
  const [filter, setFilter] = useQueryFilters('/scheduler', ['workflow', 'kind', 'batchId', 'before'], paging.reset);
  const action = useAction();
  const query = { workflow: filter.workflow, kind: filter.kind, batchId: filter.batchId, before: filter.before };
  const page = useResource(
    () => api.scheduled({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '')), limit: 50, cursor: paging.cursor }),
    `scheduled:${JSON.stringify(query)}:${paging.cursor ?? ''}`,
    { refreshMs: 5000, live: () => paging.page === 1 },
  );
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const choose = (id: string, on: boolean) => setChosen((old) => {
    const next = new Set(old);
    if (on) next.add(id); else next.delete(id);
    return next;
  });
  const cancelChosen = () => action.run(async () => {
    const results = await Promise.allSettled([...chosen].map((id) => api.cancelScheduled(id)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new Error(`${results.length - failed.length} cancelled; ${failed.length} could not be: ${(failed[0].reason as Error).message}`);
    return results.length;
  }, (n) => `${n} scheduled run${n === 1 ? '' : 's'} cancelled.`, () => { setChosen(new Set()); page.reload(); });
  const cancelAll = (by: { workflow?: string; batchId?: string }, what: string) =>
    action.run(() => api.cancelScheduledBy(by), (r) => `${r.cancelled} scheduled run${r.cancelled === 1 ? '' : 's'} of ${what} cancelled.`, page.reload);
  return (
    <>
      <PageHeader title="Scheduler" subtitle="What will happen later, soonest first."
        actions={<><Updated at={page.updatedAt} live={paging.page === 1} /><button type="button" className="button" onClick={page.reload}>Refresh</button></>} />
      <ErrorNotice error={action.error} onClose={action.clear} />
      <DoneNotice message={action.done} onClose={action.clear} />
      {filter.batchId && <BatchCard id={filter.batchId} onCancel={() => cancelAll({ batchId: filter.batchId }, 'the batch')} busy={action.busy} />}
      <Card>
        <Filters filter={filter} setFilter={setFilter} busy={action.busy} onCancelWorkflow={() => cancelAll({ workflow: filter.workflow }, filter.workflow)} />
        <ErrorNotice error={page.error} />
        {chosen.size > 0 && (
          <div className="bulk-bar" data-testid="bulk-actions" role="region" aria-label="Actions on the chosen runs">
            <strong>{chosen.size} chosen</strong>
            <ConfirmButton small label={`Cancel ${chosen.size} chosen`} confirmLabel={`Confirm: cancel ${chosen.size}`} disabled={action.busy} onConfirm={cancelChosen} />
          </div>
        )}
        {!page.data ? <Loading /> : page.data.items.length === 0 ? <Empty>Nothing is scheduled.</Empty> : (
          <table className="table" data-testid="scheduled">
            <thead><tr><th className="select-cell"><span className="visually-hidden">Choose</span></th><th>Due</th><th>Kind</th><th>Workflow</th><th>What</th><th>Input</th><th /></tr></thead>
            <tbody>
              {page.data.items.map((item) => <ScheduledRow key={`${item.kind}:${item.id}`} item={item} action={action} chosen={chosen.has(item.id)} onChoose={(on) => choose(item.id, on)} onChanged={page.reload} onBatch={(batchId) => setFilter({ batchId })} />)}
            </tbody>
          </table>
        )}
        <Pager paging={paging} nextCursor={page.data?.nextCursor} count={page.data?.items.length ?? 0} />
      </Card>
    </>
  );
}

interface FiltersProps {
  filter: Filter;
  setFilter(changes: Partial<Filter>): void;
  busy: boolean;
  onCancelWorkflow(): void;
}

function Filters({ filter, setFilter, busy, onCancelWorkflow }: FiltersProps) {
  return (
    <div className="filters">
      <WorkflowFilter value={filter.workflow} onChange={(name) => setFilter({ workflow: name })} />
      <label>Kind
        <select value={filter.kind} onChange={(e) => setFilter({ kind: e.target.value })} aria-label="Kind">
          <option value="">Everything</option>
          {scheduledItemKinds.map((k) => <option key={k} value={k}>{kindLabels[k].label}</option>)}
        </select>
      </label>
      <label>Due before
        <input type="datetime-local" value={toLocalInput(filter.before)} onChange={(e) => setFilter({ before: fromLocalInput(e.target.value) })} aria-label="Due before" />
      </label>
      {filter.batchId && <span className="chip">batch <Id id={filter.batchId} /> <button type="button" className="link-button" onClick={() => setFilter({ batchId: '' })} aria-label="Clear batch">×</button></span>}
      <span className="spacer" />
      {filter.workflow && (
        <ConfirmButton label={`Cancel all runs of ${filter.workflow}`} confirmLabel="Confirm: cancel them all" disabled={busy} onConfirm={onCancelWorkflow} />
      )}
    </div>
  );
}

interface RowProps {
  item: ScheduledItem;
  action: Action;
  chosen: boolean;
  onChoose(on: boolean): void;
  onChanged(): void;
  onBatch(id: string): void;
}

function ScheduledRow({ item, action, chosen, onChoose, onChanged, onBatch }: RowProps) {
  const { api } = useApi();
  const kind = kindLabels[item.kind];
  return (
    <tr data-scheduled={item.id} data-kind={item.kind} className={chosen ? 'chosen' : ''}>
      <td className="select-cell">{item.kind === 'scheduled-run' && <input type="checkbox" checked={chosen} onChange={(e) => onChoose(e.target.checked)} aria-label={`Choose the run ${item.id}`} />}</td>
      <td title={item.dueAt ? absoluteTime(item.dueAt) : 'never expires'}>{item.dueAt ? relativeTime(item.dueAt) : 'no deadline'}</td>
      <td><Tag tone={kind.tone}>{kind.label}</Tag></td>
      <td><Link to={`/workflows/${encodeURIComponent(item.workflow)}`}>{item.workflow}</Link></td>
      <td><What item={item} onBatch={onBatch} /></td>
      <td className="mono small muted preview">{jsonPreview(item.input, 60)}</td>
      <td><div className="row-actions">
        {(item.kind === 'scheduled-run' || item.kind === 'wait') && (
          <button type="button" className="button button-small" disabled={action.busy}
            onClick={() => action.run(() => api.runNow(item.kind === 'wait' ? item.executionId ?? item.id : item.id), item.kind === 'wait' ? 'The Wait ends now.' : 'The run starts now.', onChanged)}>Run now</button>
        )}
        {item.kind === 'scheduled-run' && (
          <ConfirmButton small label="Cancel" confirmLabel="Confirm cancel" disabled={action.busy}
            onConfirm={() => action.run(() => api.cancelScheduled(item.id), 'The scheduled run was cancelled.', onChanged)} />
        )}
      </div></td>
    </tr>
  );
}

function What({ item, onBatch }: { item: ScheduledItem; onBatch(id: string): void }) {
  if (item.kind === 'cron') return <Link to={href('/schedules', { workflow: item.workflow })}>next fire of schedule {item.key ?? shortId(item.id)}</Link>;
  if (item.kind === 'wait' || item.kind === 'task-token') {
    return (
      <span>
        {item.stateName ?? 'a state'}{item.branch && <> in {item.branch.type === 'Map' ? 'item' : 'branch'} {item.branch.index} of {item.branch.stateName}</>}
        {' '}in <Id id={item.executionId ?? item.id} to={`/executions/${item.executionId ?? item.id}`} />
      </span>
    );
  }
  if (item.batchId) {
    return <span>item {item.itemIndex ?? '?'} of <button type="button" className="link-button mono" onClick={() => onBatch(item.batchId!)}>batch {shortId(item.batchId)}</button></span>;
  }
  return <Id id={item.id} className="muted" />;
}
