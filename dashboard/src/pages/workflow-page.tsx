/** One workflow: its graph, definition, metadata, triggers (declared and installed) and latest executions. */
import { useState } from 'react';
import type { Workflow } from '../api/types.ts';
import { ExecutionTable } from '../components/execution-table.tsx';
import { JsonView } from '../components/json-view.tsx';
import { ErrorNotice, Empty, Loading } from '../components/notice.tsx';
import { Card, Facts, PageHeader } from '../components/page.tsx';
import { Tag } from '../components/status-badge.tsx';
import { Tabs } from '../components/tabs.tsx';
import { TriggerList } from '../components/triggers.tsx';
import { useApi, useResource } from '../data.tsx';
import { WorkflowGraph } from '../graph/workflow-graph.tsx';
import { href, Link } from '../router.tsx';
import { ScheduleTable } from './schedules-page.tsx';
import { ScheduleList } from './schedule-list.tsx';
import { StartExecution } from './start-execution.tsx';
import { TableTriggerTable } from './table-triggers-page.tsx';

export function WorkflowPage({ name }: { name: string }) {
  const { api } = useApi();
  const workflow = useResource(() => api.workflow(name), `workflow:${name}`);
  const [starting, setStarting] = useState(false);
  const [listing, setListing] = useState(false);
  const w = workflow.data;
  return (
    <>
      <PageHeader
        title={name}
        subtitle={w?.metadata.description ?? 'Workflow'}
        badges={w && <MetadataTags workflow={w} />}
        actions={(
          <>
            <Link className="button" to={href('/executions', { workflow: name })}>All executions</Link>
            {!listing && <button type="button" className="button" onClick={() => setListing(true)}>Schedule a list</button>}
            {!starting && <button type="button" className="button button-primary" onClick={() => setStarting(true)}>Start execution</button>}
          </>
        )}
      />
      <ErrorNotice error={workflow.error} />
      {listing && w && <Card title="Schedule a list"><ScheduleList workflow={name} parameters={w.metadata.parameters} onClose={() => setListing(false)} /></Card>}
      {starting && w && <Card title="Start an execution"><StartExecution workflow={name} parameters={w.metadata.parameters} onClose={() => setStarting(false)} /></Card>}
      {!w ? (!workflow.error && <Loading />) : (
        <>
          <Card>
            <Tabs tabs={[
              { id: 'graph', label: 'Graph', render: () => <WorkflowGraph definition={w.definition} /> },
              { id: 'definition', label: 'Definition', render: () => <JsonView value={w.definition} label="ASL definition" maxLines={400} /> },
              { id: 'triggers', label: 'Triggers', render: () => <Triggers workflow={w} /> },
              { id: 'settings', label: 'Settings', render: () => <Settings workflow={w} /> },
            ]} />
          </Card>
          <RecentExecutions name={name} />
        </>
      )}
    </>
  );
}

function MetadataTags({ workflow }: { workflow: Workflow }) {
  const m = workflow.metadata;
  return (
    <span className="tags heading-tags">
      <Tag tone="blue">{m.mode}</Tag>
      <Tag>auth: {m.auth}</Tag>
      {m.ignorePrivacyRules
        ? <Tag tone="orange" title="SQL tasks run as the engine's own role: row-level security does not apply">ignores privacy rules</Tag>
        : <Tag tone="green" title="SQL tasks run as the execution's identity: row-level security applies">privacy rules apply</Tag>}
    </span>
  );
}

function Settings({ workflow }: { workflow: Workflow }) {
  const m = workflow.metadata;
  return (
    <div className="stack">
      <Facts items={[
        ['Mode', m.mode === 'persistent' ? 'persistent: every step is committed to Postgres' : 'transient: runs in memory, one row when it ends'],
        ['Who may start it', m.auth],
        ['ignorePrivacyRules', <span data-testid="ignore-privacy-rules">{String(m.ignorePrivacyRules)}</span>],
        ['Current version', <code>{workflow.versionId}</code>],
      ]} />
      {m.parameters ? <JsonView value={m.parameters} label="Input schema (parameters)" /> : <p className="muted">No input schema: any JSON input is accepted.</p>}
    </div>
  );
}

function Triggers({ workflow }: { workflow: Workflow }) {
  const { api } = useApi();
  const tables = useResource(() => api.tableTriggers(workflow.name), `tables:${workflow.name}`);
  const schedules = useResource(() => api.schedules({ workflow: workflow.name }), `schedules:${workflow.name}`);
  return (
    <div className="stack">
      <h3>Declared in the workflow file</h3>
      <TriggerList triggers={workflow.metadata.triggers} />
      <h3>Installed table triggers</h3>
      <ErrorNotice error={tables.error} />
      {tables.data && (tables.data.items.length === 0 ? <p className="muted">None.</p> : <TableTriggerTable items={tables.data.items} showWorkflow={false} />)}
      <h3>Schedules</h3>
      <ErrorNotice error={schedules.error} />
      {schedules.data && (schedules.data.items.length === 0 ? <p className="muted">None.</p> : <ScheduleTable items={schedules.data.items} onChanged={schedules.reload} />)}
    </div>
  );
}

function RecentExecutions({ name }: { name: string }) {
  const { api } = useApi();
  const recent = useResource(() => api.executions({ workflow: name, limit: 10 }), `recent:${name}`, { refreshMs: 5000 });
  return (
    <Card title="Latest executions" actions={<Link to={href('/executions', { workflow: name })}>See all →</Link>}>
      <ErrorNotice error={recent.error} />
      {!recent.data ? <Loading /> : recent.data.items.length === 0 ? <Empty>No execution yet.</Empty> : <ExecutionTable items={recent.data.items} showWorkflow={false} />}
    </Card>
  );
}
