/**
 * Table-change triggers: the subscriptions (one Postgres row trigger each on the watched table) and
 * the outbox those triggers write into. The user's `when` condition is the only SQL text that comes
 * from a workflow file; table, schema and trigger names are always escaped by Postgres itself
 * (`format('%I.%I')`, `quote_ident`) and every value is a parameter.
 */
import type { Json, JsonObject } from '../shared/index.ts';
import type { Queryable } from './connection.ts';

export type TableOperation = 'INSERT' | 'UPDATE' | 'DELETE';

export interface TableSubscriptionRow {
  id: number;
  workflowName: string;
  schemaName: string;
  tableName: string;
  operations: TableOperation[];
  whenSql: string | null;
  identity: Json | null;
  triggerName: string;
  /** Whether its trigger is still on the table (a dropped and re-created table loses it). */
  installed: boolean;
}

export interface NewTableSubscription {
  workflowName: string;
  schemaName: string;
  tableName: string;
  operations: TableOperation[];
  whenSql: string | null;
  identity: Json | null;
}

interface SubscriptionRecord {
  id: number;
  workflow_name: string;
  schema_name: string;
  table_name: string;
  operations: TableOperation[];
  when_sql: string | null;
  identity: Json | null;
  trigger_name: string;
  installed: boolean;
}

function toSubscription(row: SubscriptionRecord): TableSubscriptionRow {
  return {
    id: row.id, workflowName: row.workflow_name, schemaName: row.schema_name, tableName: row.table_name, operations: row.operations,
    whenSql: row.when_sql, identity: row.identity, triggerName: row.trigger_name, installed: row.installed,
  };
}

/**
 * Serializes changes to subscriptions (two processes deploying the same folder at start-up) until
 * the caller's transaction ends.
 */
export async function lockTableSubscriptions(tx: Queryable): Promise<void> {
  await tx.unsafe("select pg_advisory_xact_lock(hashtextextended('nightshift.table-subscriptions', 0))");
}

/** A table name as written (`users`, `public.users`, `"My Schema"."Orders"`) → its schema and name; null when no such table. */
export async function resolveTable(tx: Queryable, name: string): Promise<{ schemaName: string; tableName: string } | null> {
  // to_regclass parses the name like Postgres does (quoting, search_path) and answers null when it
  // does not exist. Views and other relations cannot carry row triggers of this kind.
  const [row] = await tx.unsafe<{ schema_name: string; table_name: string }[]>(
    `select n.nspname as schema_name, c.relname as table_name
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.oid = to_regclass($1) and c.relkind in ('r', 'p')`,
    [name],
  );
  return row ? { schemaName: row.schema_name, tableName: row.table_name } : null;
}

/** Whether a role of that name exists (the role a trigger's executions act as). */
export async function roleExists(tx: Queryable, role: string): Promise<boolean> {
  const rows = await tx.unsafe('select 1 from pg_roles where rolname = $1', [role]);
  return rows.length > 0;
}

/** A subscription's columns and whether its trigger is on the table (pg_trigger's (tgrelid, tgname) index). */
const subscriptionColumns = `s.id, s.workflow_name, s.schema_name, s.table_name, s.operations, s.when_sql, s.identity, s.trigger_name,
  exists (
    select 1 from pg_trigger t
    where t.tgrelid = to_regclass(format('%I.%I', s.schema_name, s.table_name)) and t.tgname = s.trigger_name
  ) as installed`;

// table_subscriptions_workflow_name_idx.
export async function listTableSubscriptions(sql: Queryable, workflowName: string): Promise<TableSubscriptionRow[]> {
  const rows = await sql.unsafe<SubscriptionRecord[]>(
    `select ${subscriptionColumns}
     from nightshift.table_subscriptions s
     where s.workflow_name = $1 and s.dropped_at is null
     order by s.id`,
    [workflowName],
  );
  return rows.map(toSubscription);
}

export interface TableSubscriptionStatus extends TableSubscriptionRow {
  /** Captured changes not delivered yet. */
  pendingChanges: number;
}

/**
 * Every live subscription, by workflow then id, with its undelivered changes (the API's list of table
 * triggers). A scan of both tables: a project has tens of subscriptions, and the outbox holds only
 * undelivered rows.
 */
export async function listLiveTableSubscriptions(sql: Queryable): Promise<TableSubscriptionStatus[]> {
  const rows = await sql.unsafe<Array<SubscriptionRecord & { pending_changes: number }>>(
    `select ${subscriptionColumns}, coalesce(p.pending, 0)::int as pending_changes
     from nightshift.table_subscriptions s
     left join (select subscription_id, count(*) as pending from nightshift.outbox group by subscription_id) p on p.subscription_id = s.id
     where s.dropped_at is null
     order by s.workflow_name, s.id`,
  );
  return rows.map((row) => ({ ...toSubscription(row), pendingChanges: row.pending_changes }));
}

/**
 * Records a subscription; its trigger is named after the workflow and the new id (at most 63 bytes,
 * Postgres' limit), so `\d users` shows which workflow watches the table.
 */
export async function insertTableSubscription(tx: Queryable, s: NewTableSubscription): Promise<TableSubscriptionRow> {
  const [row] = await tx.unsafe<SubscriptionRecord[]>(
    `with next as (select nextval(pg_get_serial_sequence('nightshift.table_subscriptions', 'id')) as id)
     insert into nightshift.table_subscriptions
       (id, workflow_name, schema_name, table_name, operations, when_sql, identity, trigger_name)
     overriding system value
     select next.id, $1, $2, $3, $4::text[], $5, $6::jsonb, left('nightshift_' || $1, 50) || '_' || next.id
     from next
     returning id, workflow_name, schema_name, table_name, operations, when_sql, identity, trigger_name, false as installed`,
    [s.workflowName, s.schemaName, s.tableName, s.operations, s.whenSql, s.identity === null ? null : tx.json(s.identity as never)],
  );
  return toSubscription(row);
}

interface QuotedNames {
  trigger: string;
  table: string;
}

async function quotedNames(tx: Queryable, s: TableSubscriptionRow): Promise<QuotedNames> {
  const [row] = await tx.unsafe<QuotedNames[]>(
    "select quote_ident($1) as trigger, format('%I.%I', $2::text, $3::text) as table",
    [s.triggerName, s.schemaName, s.tableName],
  );
  return row;
}

const operationKeywords: Readonly<Record<TableOperation, string>> = { INSERT: 'insert', UPDATE: 'update', DELETE: 'delete' };

/**
 * Creates the subscription's row trigger, its `when` condition compiled into the trigger's WHEN
 * clause so Postgres filters over OLD/NEW before anything is written. Run it in a savepoint: a bad
 * condition raises the Postgres error here. The statement is sent with the extended protocol (one
 * command only), and the trigger found afterwards must call our function with our argument, so a
 * condition cannot smuggle in another statement or another trigger function.
 */
export async function createTableTrigger(tx: Queryable, s: TableSubscriptionRow): Promise<void> {
  const names = await quotedNames(tx, s);
  const events = s.operations.map((op) => operationKeywords[op]).join(' or ');
  // The newline ends a `--` comment the condition may hold, so it cannot swallow the parenthesis.
  const when = s.whenSql === null ? '' : ` when (${s.whenSql}\n)`;
  await tx.unsafe(
    `create trigger ${names.trigger} after ${events} on ${names.table} for each row${when}
     execute function nightshift.capture_table_change('${Number(s.id)}')`,
  );
  const [check] = await tx.unsafe<{ ours: boolean }[]>(
    `select t.tgfoid = 'nightshift.capture_table_change()'::regprocedure and t.tgnargs = 1
       and encode(t.tgargs, 'escape') = $3 || '\\000' as ours
     from pg_trigger t
     where t.tgrelid = to_regclass($1) and t.tgname = $2`,
    [names.table, s.triggerName, String(s.id)],
  );
  if (!check?.ours) throw new Error(`the trigger ${s.triggerName} does not call nightshift.capture_table_change(${s.id})`);
}

/** Drops the subscription's trigger (when its table still exists) and marks it dropped; its captured rows are still delivered. */
export async function dropTableSubscription(tx: Queryable, s: TableSubscriptionRow): Promise<void> {
  const names = await quotedNames(tx, s);
  const [table] = await tx.unsafe<{ exists: boolean }[]>('select to_regclass($1) is not null as exists', [names.table]);
  if (table.exists) await tx.unsafe(`drop trigger if exists ${names.trigger} on ${names.table}`);
  // table_subscriptions_pkey.
  await tx.unsafe('update nightshift.table_subscriptions set dropped_at = now() where id = $1', [s.id]);
}

/** Deletes dropped subscriptions whose captured rows have all been delivered. The outbox is small: a scan. */
export async function deleteDrainedSubscriptions(tx: Queryable): Promise<number> {
  const rows = await tx.unsafe(
    `delete from nightshift.table_subscriptions s
     where s.dropped_at is not null and not exists (select 1 from nightshift.outbox o where o.subscription_id = s.id)
     returning id`,
  );
  return rows.length;
}

/** Whether any subscription is live: the drain keeps polling only while one is. */
export async function hasTableSubscriptions(sql: Queryable): Promise<boolean> {
  const [row] = await sql.unsafe<{ live: boolean }[]>(
    'select exists (select 1 from nightshift.table_subscriptions where dropped_at is null) as live',
  );
  return row.live;
}

// ---- the outbox -----------------------------------------------------------------------------------

// $1 most transactions. Every row visible here belongs to a committed transaction, and all rows of a
// transaction become visible at once; what can split a transaction is a LIMIT over rows or two
// drainers taking rows past each other. So the unit claimed is the transaction: one
// transaction-level advisory lock per tx_id, tried as the LIMIT pulls rows, so concurrent drainers
// take disjoint sets of whole transactions (the lock is volatile, hence never pushed below the sort).
// Transactions come in the order of their last change, which for two transactions that changed the
// same row is their commit order (the second waited for the first's row lock). There is no cursor
// over ids or xids: a transaction that commits after a younger one is simply found by the next claim.
// The aggregate reads the whole outbox, which holds only undelivered rows (small while drains keep
// up; a backlog of n rows costs a sort of n per claim); outbox_tx_id_idx serves the rows read next.
const claimTransactionsStatement = `
  select pending.tx_id::text as tx_id
  from (
    select tx_id from nightshift.outbox
    group by tx_id
    order by max(id)
  ) pending
  where pg_try_advisory_xact_lock(hashtextextended('nightshift.outbox:' || pending.tx_id::text, 0))
  limit $1::int`;

/**
 * Claims up to `limit` whole transactions of the outbox for the caller's transaction (their locks
 * last until it ends); answers their ids, oldest last change first. Run readOutboxRows next, in a new
 * statement: a transaction another drainer delivered meanwhile then has no row left.
 */
export async function claimOutboxTransactions(tx: Queryable, limit: number): Promise<string[]> {
  const rows = await tx.unsafe<{ tx_id: string }[]>(claimTransactionsStatement, [limit], { prepare: true });
  return rows.map((row) => row.tx_id);
}

export interface OutboxRow {
  id: number;
  txId: string;
  subscriptionId: number;
  op: TableOperation;
  schemaName: string;
  tableName: string;
  record: JsonObject | null;
  oldRecord: JsonObject | null;
  /** The transaction's commit time when track_commit_timestamp is on, else its latest change. */
  commitTimestamp: Date;
  /** Null when the subscription is gone (rows then go undelivered). */
  workflowName: string | null;
  identity: Json | null;
}

interface OutboxRecord {
  id: number;
  tx_id: string;
  subscription_id: number;
  op: TableOperation;
  schema_name: string;
  table_name: string;
  record: JsonObject | null;
  old_record: JsonObject | null;
  commit_timestamp: Date;
  workflow_name: string | null;
  identity: Json | null;
}

// $1 transaction ids. outbox_tx_id_idx, then table_subscriptions_pkey.
const readRowsStatement = `
  select o.id, o.tx_id::text as tx_id, o.subscription_id, o.op, o.schema_name, o.table_name, o.record, o.old_record,
    coalesce(
      case when current_setting('track_commit_timestamp')::boolean then pg_xact_commit_timestamp(o.tx_id::xid) end,
      max(o.changed_at) over (partition by o.tx_id)
    ) as commit_timestamp,
    s.workflow_name, s.identity
  from nightshift.outbox o
  left join nightshift.table_subscriptions s on s.id = o.subscription_id
  where o.tx_id = any($1::text[]::xid8[])
  order by o.id`;

/** Every row of the given transactions, in the order the changes were made. */
export async function readOutboxRows(tx: Queryable, txIds: readonly string[]): Promise<OutboxRow[]> {
  if (txIds.length === 0) return [];
  const rows = await tx.unsafe<OutboxRecord[]>(readRowsStatement, [txIds as string[]], { prepare: true });
  return rows.map((r) => ({
    id: r.id, txId: r.tx_id, subscriptionId: r.subscription_id, op: r.op, schemaName: r.schema_name, tableName: r.table_name,
    record: r.record, oldRecord: r.old_record, commitTimestamp: r.commit_timestamp, workflowName: r.workflow_name, identity: r.identity,
  }));
}

/** outbox_pkey. Runs in the drain's transaction, after the executions were started. */
export async function deleteOutboxRows(tx: Queryable, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await tx.unsafe('delete from nightshift.outbox where id = any($1::bigint[]) returning id', [ids as number[]], { prepare: true });
  return rows.length;
}

export interface TableColumn {
  name: string;
  /** The type's name as Supabase sends it (`int8`, `text`, `timestamptz`, `_text` for text[]). */
  type: string;
}

/** The current columns of each table, keyed `schema.table` (names unquoted), in column order. */
export async function tableColumns(sql: Queryable, tables: ReadonlyArray<{ schemaName: string; tableName: string }>): Promise<Map<string, TableColumn[]>> {
  const result = new Map<string, TableColumn[]>();
  if (tables.length === 0) return result;
  const rows = await sql.unsafe<{ schema_name: string; table_name: string; columns: TableColumn[] }[]>(
    `select n.nspname as schema_name, c.relname as table_name,
       jsonb_agg(jsonb_build_object('name', a.attname, 'type', t.typname) order by a.attnum) as columns
     from unnest($1::text[], $2::text[]) as w (schema_name, table_name)
     join pg_namespace n on n.nspname = w.schema_name
     join pg_class c on c.relnamespace = n.oid and c.relname = w.table_name
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     join pg_type t on t.oid = a.atttypid
     group by n.nspname, c.relname`,
    [tables.map((t) => t.schemaName), tables.map((t) => t.tableName)],
  );
  for (const row of rows) result.set(`${row.schema_name}.${row.table_name}`, row.columns);
  return result;
}
