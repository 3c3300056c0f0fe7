/** Start an execution of a workflow by hand: its input as JSON (checked against the workflow's parameters by the server). */
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/notice.tsx';
import { useAction, useApi } from '../data.tsx';
import { useRouter } from '../router.tsx';

export function StartExecution({ workflow, onClose }: { workflow: string; onClose(): void }) {
  const { api } = useApi();
  const { navigate } = useRouter();
  const action = useAction();
  const [input, setInput] = useState('{\n  \n}');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch (e) {
      setProblem(`The input is not JSON: ${(e as Error).message}`);
      return;
    }
    setProblem(null);
    void action.run(() => api.startExecution(workflow, parsed, name.trim() || undefined), undefined, (started) => navigate(`/executions/${started.executionId}`));
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Start an execution">
      <label className="field">Input (JSON)
        <textarea className="code-input" rows={8} value={input} onChange={(e) => setInput(e.target.value)} spellCheck={false} name="input" />
      </label>
      <label className="field">Name <span className="hint">optional, unique per workflow: starting twice with one name starts once</span>
        <input value={name} onChange={(e) => setName(e.target.value)} name="execution-name" />
      </label>
      <ErrorNotice error={problem ?? action.error} onClose={() => { setProblem(null); action.clear(); }} />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={action.busy}>Start execution</button>
        <button type="button" className="button" onClick={onClose}>Cancel</button>
      </div>
    </form>
  );
}
