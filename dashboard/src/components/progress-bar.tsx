/** What an execution reported with progress:report: done of total, and its message. */
import type { Json, Progress } from '../api/types.ts';

/** The fields progress:report stores, as far as they are there (an execution may report anything). */
function progressOf(value: Json): Progress {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const { done, total, message } = value;
  return {
    done: typeof done === 'number' ? done : undefined,
    total: typeof total === 'number' ? total : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

export function ProgressBar({ progress, compact = false }: { progress: Json; compact?: boolean }) {
  const { done, total, message } = progressOf(progress);
  const known = typeof done === 'number' && typeof total === 'number' && total > 0;
  const percent = known ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <div className={compact ? 'progress compact' : 'progress'} data-testid="progress">
      <div className="progress-track" role="progressbar" aria-label={message ?? 'Progress'} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent ?? undefined}>
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
