/** The execution's history events in time order, each expandable to its details. */
import { Fragment, useState } from 'react';
import type { HistoryEvent } from '../api/types.ts';
import { JsonView } from '../components/json-view.tsx';
import { jsonPreview } from '../format.ts';
import { Id } from '../components/id.tsx';

const firstRows = 200;
const timeFormat = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });

function tone(type: string): string {
  if (/Failed|TimedOut|Aborted/.test(type)) return 'event-bad';
  if (/Succeeded|Exited/.test(type)) return 'event-good';
  return '';
}

export function HistoryTable({ events, onSelectState }: { events: HistoryEvent[]; onSelectState(name: string): void }) {
  const [all, setAll] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const shown = all ? events : events.slice(0, firstRows);
  return (
    <>
      <table className="table history" data-testid="history">
        <thead><tr><th>#</th><th>Time</th><th>Event</th><th>State</th><th>Thread</th><th>Details</th></tr></thead>
        <tbody>
          {shown.map((e, i) => (
            <Fragment key={i}>
              <tr className={open === i ? 'open' : ''} onClick={() => setOpen(open === i ? null : i)}>
                <td className="muted">{i + 1}</td>
                <td className="mono small">{timeFormat.format(new Date(e.timestamp))}</td>
                <td className={tone(e.type)}>{e.type}</td>
                <td>{e.stateName && <button type="button" className="link-button" onClick={(ev) => { ev.stopPropagation(); onSelectState(e.stateName!); }}>{e.stateName}</button>}</td>
                <td className="mono small muted">{e.branchId ? <Id id={e.branchId} /> : 'execution'}</td>
                <td className="mono small muted preview">{jsonPreview(e.details, 90)}</td>
              </tr>
              {open === i && <tr className="details-row"><td colSpan={6}><JsonView value={e.details} /></td></tr>}
            </Fragment>
          ))}
        </tbody>
      </table>
      {!all && events.length > firstRows && (
        <button type="button" className="button button-small" onClick={() => setAll(true)}>Show all {events.length} events</button>
      )}
    </>
  );
}
