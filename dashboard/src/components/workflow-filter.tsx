/** The "Workflow" filter of a list: every deployed workflow, or all of them. */
import { useApi, useResource } from '../data.tsx';

export function WorkflowFilter({ value, onChange }: { value: string; onChange(name: string): void }) {
  const { api } = useApi();
  const workflows = useResource(() => api.workflows(), 'workflows');
  return (
    <label>Workflow
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Workflow">
        <option value="">All workflows</option>
        {workflows.data?.items.map((w) => <option key={w.name} value={w.name}>{w.name}</option>)}
      </select>
    </label>
  );
}
