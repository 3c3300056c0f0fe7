/**
 * One execution: status, progress and error; the graph of the version it runs on with the path it took;
 * the selected state's input and output; its input, output and history. Reloads while it runs.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { Execution, HistoryEvent } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { JsonView } from '../components/json-view.tsx';
import { DoneNotice, ErrorNotice, Loading } from '../components/notice.tsx';
import { Card, Facts, PageHeader } from '../components/page.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { useAction, useApi, useResource } from '../data.tsx';
import { HistoryTable } from '../execution/history-table.tsx';
import { PathStrip } from '../execution/path-strip.tsx';
import { StatePanel } from '../execution/state-panel.tsx';
import { absoluteTime, duration, shortId } from '../format.ts';
import { Id } from '../components/id.tsx';
import { Updated } from '../components/updated.tsx';

import { stateId } from '../graph/layout.ts';
import { executionPath, type ExecutionPath } from '../graph/path.ts';
import { WorkflowGraph } from '../graph/workflow-graph.tsx';
import { Link } from '../router.tsx';

const refreshMs = 2000;
const running = (e: Execution) => e.status === 'RUNNING';

export function ExecutionPage({ id }: { id: string }) {
  const { api } = useApi();
  const execution = useResource(() => api.execution(id), `execution:${id}`, { refreshMs, live: running });
  const action = useAction();
  const e = execution.data;
  const stop = () => action.run(() => api.stopExecution(id), 'The execution was stopped.', execution.reload);
  const redrive = () => action.run(() => api.redriveExecution(id), 'The execution was redriven: it runs again from the state where it ended, on the version it started on.', execution.reload);
  return (
    <>
      <PageHeader
        title={e ? (e.name === e.executionId ? `Execution ${shortId(e.executionId)}` : e.name) : 'Execution'}
        badges={e && <StatusBadge status={e.status} />}
        subtitle={e && <>Execution of <Link to={`/workflows/${encodeURIComponent(e.workflow)}`}>{e.workflow}</Link> · <Id id={e.executionId} /></>}
        actions={e && (
          <>
            {e.status === 'RUNNING' && <ConfirmButton label="Stop" confirmLabel="Confirm stop" onConfirm={stop} disabled={action.busy} />}
            {['FAILED', 'TIMED_OUT', 'ABORTED'].includes(e.status) && (
              <button type="button" className="button button-primary" onClick={redrive} disabled={action.busy}
                title="Runs it again from the state where it ended, on the workflow version it started on (not the current one); what it did before stays done.">Redrive on its version</button>
            )}
            <Updated at={execution.updatedAt} live={e.status === 'RUNNING'} />
            <button type="button" className="button" onClick={execution.reload}>Refresh</button>
          </>
        )}
      />
      <ErrorNotice error={action.error} onClose={action.clear} />
      <DoneNotice message={action.done} onClose={action.clear} />
      <ErrorNotice error={execution.error} />
      {!e ? (!execution.error && <Loading />) : <ExecutionBody execution={e} />}
    </>
  );
}

function ExecutionBody({ execution: e }: { execution: Execution }) {
  const { api } = useApi();
  const version = useResource(() => api.workflowVersion(e.workflow, e.versionId), `version:${e.workflow}:${e.versionId}`);
  // Keyed by status and redrives too, so the events of the step that ended it are always read.
  const history = useResource(() => api.history(e.executionId), `history:${e.executionId}:${e.status}:${e.redriveCount}`, {
    refreshMs, live: () => e.status === 'RUNNING',
  });
  const path = useMemo(() => (history.data ? executionPath(history.data.items, e.status === 'RUNNING') : undefined), [history.data, e.status]);
  const [selected, setSelected] = useState<string | null>(null);
  const shown = selected ?? (path ? firstOfInterest(path) : null);
  return (
    <>
      <Summary execution={e} />
      <Card title="Graph and path taken" className="graph-card">
        <ErrorNotice error={version.error ?? history.error} />
        {path && <PathStrip path={path} onSelect={setSelected} selected={shown} />}
        <div className="graph-layout">
          <div className="graph-main">
            {version.data ? <WorkflowGraph definition={version.data.definition} path={path} selected={shown} onSelect={setSelected} /> : <Loading what="Loading the graph" />}
            <Legend />
          </div>
          <aside className="graph-side">
            <StatePanel key={shown ?? ''} stateName={shown} visits={(shown && path?.byNode.get(stateId(shown))) || []} />
          </aside>
        </div>
      </Card>
      <div className="two-columns">
        <Card title="Execution input"><JsonView value={e.input} /></Card>
        <Card title={e.status === 'SUCCEEDED' ? 'Execution output' : 'Output'}>
          {e.status === 'SUCCEEDED' ? <JsonView value={e.output} /> : <p className="muted">{e.status === 'RUNNING' ? 'Not finished yet.' : 'No output: the execution did not succeed.'}</p>}
        </Card>
      </div>
      <Card title={`History${history.data ? ` · ${history.data.items.length} events` : ''}`}>
        {!history.data ? <Loading /> : <HistoryTable events={history.data.items as HistoryEvent[]} onSelectState={setSelected} />}
      </Card>
    </>
  );
}

/** The state worth opening first: where it failed, else where it is now. */
function firstOfInterest(path: ExecutionPath): string | null {
  const visits = [...path.visits].reverse();
  return (visits.find((v) => v.status === 'failed' && !v.branchId) ?? visits.find((v) => v.status === 'active' && !v.branchId))?.stateName ?? null;
}

function Summary({ execution: e }: { execution: Execution }) {
  return (
    <Card>
      <Facts items={[
        ['Started', absoluteTime(e.startedAt)],
        ['Ended', e.stoppedAt ? absoluteTime(e.stoppedAt) : '—'],
        ['Duration', duration(e.startedAt, e.stoppedAt)],
        ['Version', <code title={e.versionId}>{e.versionId.slice(0, 12)}</code>],
        ['Mode', e.mode],
        ['Redrives', String(e.redriveCount)],
        ...(e.parentId ? [['Started by', <Id id={e.parentId} to={`/executions/${e.parentId}`} />] as [string, ReactNode]] : []),
        ...(e.rootId !== e.executionId ? [['Chain root', <Id id={e.rootId} to={`/executions/${e.rootId}`} />] as [string, ReactNode]] : []),
      ]} />
      {e.waitingReason && <div className="notice notice-warn">Waiting to be admitted: {e.waitingReason}</div>}
      {e.progress && <ProgressBar progress={e.progress} />}
      {e.error && (
        <div className="failure big" data-testid="execution-error">
          <strong>{e.error}</strong>
          {e.cause && <div className="failure-cause">{e.cause}</div>}
        </div>
      )}
    </Card>
  );
}

function Legend() {
  return (
    <div className="legend">
      <span className="dot st-succeeded" /> succeeded
      <span className="dot st-active" /> in progress
      <span className="dot st-failed" /> failed
      <span className="dot st-caught" /> failed, caught
      <span className="line taken" /> path taken
    </div>
  );
}
