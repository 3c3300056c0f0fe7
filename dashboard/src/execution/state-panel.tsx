/** The state selected in an execution's graph: each visit's input, output, task call and failures. */
import { useState } from 'react';
import { JsonView } from '../components/json-view.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { absoluteTime, duration, shortId } from '../format.ts';
import type { StateVisit, VisitStatus } from '../graph/path.ts';

const statusWords: Record<VisitStatus, string> = { active: 'RUNNING', succeeded: 'SUCCEEDED', failed: 'FAILED', caught: 'CAUGHT' };

function visitLabel(visit: StateVisit, index: number): string {
  const where = visit.branchId ? `branch ${visit.thread} (${shortId(visit.branchId)})` : 'execution';
  return `Visit ${index + 1} · ${where}`;
}

export function StatePanel({ stateName, visits }: { stateName: string | null; visits: StateVisit[] }) {
  const [chosen, setChosen] = useState(0);
  if (stateName === null) {
    return <div className="state-panel empty-panel">Click a state in the graph to see its input and output.</div>;
  }
  if (visits.length === 0) {
    return (
      <div className="state-panel" data-testid="state-panel">
        <h3>{stateName}</h3>
        <p className="muted">This execution did not enter this state.</p>
      </div>
    );
  }
  const index = Math.min(chosen, visits.length - 1);
  const visit = visits[index];
  return (
    <div className="state-panel" data-testid="state-panel" data-state={stateName}>
      <div className="state-panel-head">
        <h3>{stateName}</h3>
        <span className="muted">{visit.stateType}</span>
        <StatusBadge status={statusWords[visit.status]} label={visit.status === 'caught' ? 'failed, caught' : undefined} />
      </div>
      {visits.length > 1 && (
        <select className="visit-select" value={index} onChange={(e) => setChosen(Number(e.target.value))} aria-label="Visit">
          {visits.map((v, i) => <option key={i} value={i}>{visitLabel(v, i)}</option>)}
        </select>
      )}
      <p className="muted small">
        Entered {absoluteTime(visit.enteredAt)}
        {visit.exitedAt ? `, left after ${duration(visit.enteredAt, visit.exitedAt)}` : visit.status === 'active' ? ', still there' : ''}
      </p>
      {visit.failures.map((f, i) => (
        <div key={i} className="failure">
          <strong>{f.error ?? 'Error'}</strong>{f.cause && <div className="failure-cause">{f.cause}</div>}
        </div>
      ))}
      <JsonView value={visit.input} label="Input" maxLines={16} />
      {visit.parameters !== undefined && <JsonView value={visit.parameters} label="Task parameters" maxLines={16} />}
      {visit.result !== undefined && <JsonView value={visit.result} label="Task result" maxLines={16} />}
      {visit.exitedAt ? <JsonView value={visit.output} label="Output" maxLines={16} /> : <p className="muted small">No output: the state was not left normally.</p>}
    </div>
  );
}
