/** Messages in a page: an error (red), a confirmation (green), an empty list, a loading line. */
import type { ReactNode } from 'react';

export function ErrorNotice({ error, onClose }: { error: Error | string | null; onClose?: () => void }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <span>{typeof error === 'string' ? error : error.message}</span>
      {onClose && <button type="button" className="link-button" onClick={onClose} aria-label="Dismiss">×</button>}
    </div>
  );
}

export function DoneNotice({ message, onClose }: { message: string | null; onClose?: () => void }) {
  if (!message) return null;
  return (
    <div className="notice notice-done" role="status">
      <span>{message}</span>
      {onClose && <button type="button" className="link-button" onClick={onClose} aria-label="Dismiss">×</button>}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return <div className="loading">{what}…</div>;
}
