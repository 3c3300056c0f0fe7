/** Executions as rows: name, workflow, status with progress, start time and duration. */
import type { Execution } from '../api/types.ts';
import { absoluteTime, duration, relativeTime, shortId } from '../format.ts';
import { Link } from '../router.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { StatusBadge } from './status-badge.tsx';

export function ExecutionTable({ items, showWorkflow = true }: { items: Execution[]; showWorkflow?: boolean }) {
  return (
    <table className="table" data-testid="executions">
      <thead>
        <tr><th>Execution</th>{showWorkflow && <th>Workflow</th>}<th>Status</th><th>Started</th><th>Duration</th></tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.executionId} data-execution={e.executionId}>
            <td>
              <Link to={`/executions/${e.executionId}`} className="strong mono">{e.name === e.executionId ? shortId(e.executionId) : e.name}</Link>
              {e.name !== e.executionId && <div className="muted small mono">{shortId(e.executionId)}</div>}
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
