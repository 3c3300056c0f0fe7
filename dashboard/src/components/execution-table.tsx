/** Executions as rows: name, workflow, status with progress, start time and duration. */
import type { Execution } from '../api/types.ts';
import { absoluteTime, duration, relativeTime } from '../format.ts';
import { Id } from './id.tsx';
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
