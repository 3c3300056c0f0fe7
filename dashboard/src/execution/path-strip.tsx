/** The states the execution itself went through, in order, as clickable steps (branches are in the graph). */
import type { ExecutionPath } from '../graph/path.ts';

export function PathStrip({ path, onSelect, selected }: { path: ExecutionPath; onSelect(name: string): void; selected: string | null }) {
  const steps = path.visits.filter((v) => v.branchId === undefined);
  if (steps.length === 0) return null;
  return (
    <ol className="path-strip" data-testid="path-taken" aria-label="Path taken">
      {steps.map((v, i) => {
        const inner = path.visits.filter((b) => b.branchId !== undefined && b.enteredAt >= v.enteredAt && (!v.exitedAt || b.enteredAt <= v.exitedAt));
        const threads = new Set(inner.map((b) => b.branchId)).size;
        return (
          <li key={i} className={`st-${v.status} ${selected === v.stateName ? 'selected' : ''}`}>
            <button type="button" onClick={() => onSelect(v.stateName)}>
              {v.stateName}
              {(v.stateType === 'Map' || v.stateType === 'Parallel') && threads > 0 && <span className="muted"> · {threads} {v.stateType === 'Map' ? 'iterations' : 'branches'}</span>}
            </button>
          </li>
        );
      })}
    </ol>
  );
}
