/** Executions as rows: name, workflow, status with progress, start time and duration. */
import type { Execution } from '../api/types.ts';
import { absoluteTime, duration, relativeTime } from '../format.ts';
import { Id } from './id.tsx';
import { Link } from '../router.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { StatusBadge } from './status-badge.tsx';

/** Rows chosen for an action on many; the header's box chooses every row shown. */
export interface Selection {
  selected: ReadonlySet<string>;
  set(ids: string[], on: boolean): void;
}

export function ExecutionTable({ items, showWorkflow = true, selection }: { items: Execution[]; showWorkflow?: boolean; selection?: Selection }) {
  const all = items.length > 0 && items.every((e) => selection?.selected.has(e.executionId));
  return (
    <table className="table" data-testid="executions">
      <thead>
        <tr>{selection && <th className="select-cell"><input type="checkbox" aria-label="Select every execution shown" checked={all} onChange={(ev) => selection.set(items.map((e) => e.executionId), ev.target.checked)} /></th>}<th>Execution</th>{showWorkflow && <th>Workflow</th>}<th>Status</th><th>Started</th><th>Duration</th></tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.executionId} data-execution={e.executionId} className={selection?.selected.has(e.executionId) ? 'chosen' : ''}>
            {selection && <td className="select-cell"><input type="checkbox" aria-label={`Select ${e.name}`} checked={selection.selected.has(e.executionId)} onChange={(ev) => selection.set([e.executionId], ev.target.checked)} /></td>}
            <td>
              {e.name === e.executionId ? <Id id={e.executionId} to={`/executions/${e.executionId}`} className="strong" /> : (
                <><Link to={`/executions/${e.executionId}`} className="strong">{e.name}</Link><div className="muted small"><Id id={e.executionId} /></div></>
              )}
            </td>
            {showWorkflow && <td><Link to={`/workflows/${encodeURIComponent(e.workflow)}`}>{e.workflow}</Link></td>}
            <td>
              <StatusBadge status={e.waitingReason ? 'WAITING' : e.status} label={e.waitingReason ? 'waiting' : undefined} />
              {e.status === 'RUNNING' && e.progress && <ProgressBar progress={e.progress} compact />}
            </td>
            <td title={absoluteTime(e.startedAt)}>{relativeTime(e.startedAt)}</td>
            <td>{duration(e.startedAt, e.stoppedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
