/** A workflow file's `triggers` entries in a few words each. */
import type { Json } from '../api/types.ts';
import { Tag } from './status-badge.tsx';

const asText = (value: Json | undefined) => (typeof value === 'string' ? value : JSON.stringify(value));

function describe(trigger: Record<string, Json>): { kind: string; text: string } {
  if ('table' in trigger) {
    const on = Array.isArray(trigger.on) ? trigger.on.join(', ') : (trigger.on ?? 'INSERT, UPDATE, DELETE');
    return { kind: 'table', text: `${asText(trigger.table)} on ${asText(on)}${trigger.when ? ` when ${asText(trigger.when)}` : ''}` };
  }
  if ('cron' in trigger) return { kind: 'cron', text: `${asText(trigger.cron)}${trigger.timezone ? ` (${asText(trigger.timezone)})` : ''}` };
  if ('every' in trigger) return { kind: 'every', text: asText(trigger.every) };
  if ('event' in trigger) return { kind: 'event', text: asText(trigger.event) };
  if ('http' in trigger) return { kind: 'http', text: 'POST /v1/workflows/{name}/executions' };
  return { kind: Object.keys(trigger)[0] ?? 'trigger', text: JSON.stringify(trigger) };
}

const tones: Record<string, string> = { table: 'teal', cron: 'purple', every: 'purple', event: 'orange', http: 'blue' };

/** Tags for a list row. */
export function TriggerTags({ triggers }: { triggers: Array<Record<string, Json>> }) {
  if (triggers.length === 0) return <span className="muted">—</span>;
  return (
    <span className="tags">
      {triggers.map((t, i) => {
        const { kind, text } = describe(t);
        return <Tag key={i} tone={tones[kind]} title={text}>{kind}</Tag>;
      })}
    </span>
  );
}

/** One line per trigger, for a workflow's page. */
export function TriggerList({ triggers }: { triggers: Array<Record<string, Json>> }) {
  if (triggers.length === 0) return <p className="muted">No triggers declared: started over HTTP or by another workflow only.</p>;
  return (
    <ul className="trigger-list">
      {triggers.map((t, i) => {
        const { kind, text } = describe(t);
        return <li key={i}><Tag tone={tones[kind]}>{kind}</Tag> <code>{text}</code></li>;
      })}
    </ul>
  );
}
