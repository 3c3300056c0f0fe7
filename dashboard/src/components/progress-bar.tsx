/** What an execution reported with progress:report: done of total, and its message. */
import type { Progress } from '../api/types.ts';

export function ProgressBar({ progress, compact = false }: { progress: Progress; compact?: boolean }) {
  const { done, total, message } = progress;
  const known = typeof done === 'number' && typeof total === 'number' && total > 0;
  const percent = known ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <div className={compact ? 'progress compact' : 'progress'} data-testid="progress">
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent ?? undefined}>
        <div className={percent === null ? 'progress-fill unknown' : 'progress-fill'} style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
      {!compact && (
        <div className="progress-text">
          {known ? `${done} of ${total} (${percent}%)` : typeof done === 'number' ? `${done} done` : ''}
          {message && <span className="muted"> · {message}</span>}
        </div>
      )}
    </div>
  );
}
