/** "updated 14:03:22": when a page that reloads by itself last read its data. */
const timeFormat = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

export function Updated({ at, live = true }: { at: number | null; live?: boolean }) {
  if (at === null) return null;
  return (
    <span className="updated muted small" data-testid="updated" aria-live="off" title={live ? 'Reloads by itself while the page is open' : 'Reload with Refresh'}>
      {live && <span className="live-dot" aria-hidden />}updated {timeFormat.format(at)}
    </span>
  );
}
