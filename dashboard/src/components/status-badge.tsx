/** A coloured pill for a status word (execution, scheduled run, schedule, key). */
import type { ReactNode } from 'react';
const tones: Record<string, string> = {
  RUNNING: 'blue',
  SUCCEEDED: 'green',
  FAILED: 'red',
  TIMED_OUT: 'orange',
  ABORTED: 'gray',
  SCHEDULED: 'purple',
  STARTED: 'green',
  CANCELLED: 'gray',
  ACTIVE: 'green',
  PAUSED: 'orange',
  REVOKED: 'gray',
  WAITING: 'orange',
  CAUGHT: 'orange',
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge badge-${tones[status] ?? 'gray'}`} data-status={status}>
      {status === 'RUNNING' && <span className="pulse" aria-hidden />}
      {label ?? status.replace('_', ' ')}
    </span>
  );
}

/** A neutral tag: a trigger kind, a scope, an operation. */
export function Tag({ children, tone = 'gray', title }: { children: ReactNode; tone?: string; title?: string }) {
  return <span className={`tag tag-${tone}`} title={title}>{children}</span>;
}
