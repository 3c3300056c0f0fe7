/**
 * Verbs on table triggers as installed (the subscriptions, one Postgres row trigger each): list them
 * for the API and the dashboard. Installing them is the deploy's job (triggers/table-subscriptions.ts).
 */
import { listLiveTableSubscriptions, type TableSubscriptionStatus } from '../store/index.ts';
import { isJsonObject, type JsonObject } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';

export interface TableTriggerView {
  id: number;
  workflow: string;
  /** `schema.table`, as Postgres names it. */
  table: string;
  operations: string[];
  /** The SQL condition over old and new; null when every change counts. */
  when: string | null;
  /** The role the started executions act as; null: the engine's own. */
  role: string | null;
  claims: JsonObject | null;
  /** The Postgres trigger on the table. */
  triggerName: string;
  /** False when the trigger is gone from the table (a dropped and re-created table): deploy again. */
  installed: boolean;
  /** Changes captured and not delivered yet. */
  pendingChanges: number;
}

function viewOf(s: TableSubscriptionStatus): TableTriggerView {
  const identity = isJsonObject(s.identity) ? s.identity : null;
  return {
    id: s.id, workflow: s.workflowName, table: `${s.schemaName}.${s.tableName}`, operations: s.operations, when: s.whenSql,
    role: typeof identity?.role === 'string' ? identity.role : null,
    claims: isJsonObject(identity?.claims) ? identity.claims : null,
    triggerName: s.triggerName, installed: s.installed, pendingChanges: s.pendingChanges,
  };
}

/** The live table triggers, by workflow; only one workflow's when `workflow` is given. */
export async function listTableTriggers(deps: Pick<ServiceDeps, 'sql'>, filter: { workflow?: string } = {}): Promise<TableTriggerView[]> {
  const rows = await listLiveTableSubscriptions(deps.sql);
  return rows.filter((s) => filter.workflow === undefined || s.workflowName === filter.workflow).map(viewOf);
}
