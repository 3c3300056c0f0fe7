/**
 * The `table` triggers of a workflow file, made real: one subscription and one Postgres row trigger
 * per entry. Syncing is idempotent (deploying the same file again changes nothing) and all-or-nothing
 * (a bad entry leaves the previous triggers in place and reports every problem, naming the workflow).
 */
import { isDeepStrictEqual } from 'node:util';
import { describeWorkflow, refuseRole, type ServiceDeps } from '../service/index.ts';
import {
  findRoleAttributes,
  createTableTrigger,
  deleteDrainedSubscriptions,
  dropTableSubscription,
  enqueueJobs,
  insertTableSubscription,
  listTableSubscriptions,
  lockTableSubscriptions,
  notifyJobsAvailable,
  resolveTable,
  roleExists,
  type NewTableSubscription,
  type Queryable,
  type TableOperation,
  type TableSubscriptionRow,
  type TransactionSql,
} from '../store/index.ts';
import { EngineError, isEngineError, isJsonObject, type Json, type JsonObject, type Logger } from '../shared/index.ts';

/** The job that drains the outbox; its dedupe key keeps exactly one pending. */
export const outboxDrainJob = { kind: 'outbox-drain', dedupeKey: 'outbox-drain' } as const;

export interface TriggerProblem {
  /** JSON pointer into the workflow file, e.g. `/triggers/0/when`. */
  pointer: string;
  message: string;
}

/** One `table` entry as written: `{table, on?, when?, role?, claims?}`. */
interface TableTrigger {
  index: number;
  table: string;
  operations: TableOperation[];
  whenSql: string | null;
  role: string | null;
  identity: Json | null;
}

const operationOrder: readonly TableOperation[] = ['INSERT', 'UPDATE', 'DELETE'];
const tableTriggerFields = new Set(['table', 'on', 'when', 'role', 'claims']);

function readOperations(value: unknown, at: string, problems: TriggerProblem[]): TableOperation[] {
  if (value === undefined) return [...operationOrder];
  const list = Array.isArray(value) ? value : [value];
  const named = new Set<TableOperation>();
  for (const op of list) {
    const upper = typeof op === 'string' ? op.toUpperCase() : '';
    if ((operationOrder as readonly string[]).includes(upper)) named.add(upper as TableOperation);
    else problems.push({ pointer: `${at}/on`, message: `on lists the operations to watch, among INSERT, UPDATE and DELETE; ${JSON.stringify(op)} is not one` });
  }
  if (list.length === 0) problems.push({ pointer: `${at}/on`, message: 'on must name at least one of INSERT, UPDATE and DELETE' });
  return operationOrder.filter((op) => named.has(op));
}

function readTableTrigger(trigger: JsonObject, index: number, problems: TriggerProblem[]): TableTrigger {
  const at = `/triggers/${index}`;
  for (const field of Object.keys(trigger)) {
    if (!tableTriggerFields.has(field)) problems.push({ pointer: `${at}/${field}`, message: `${field} is not a field of a table trigger (table, on, when, role, claims)` });
  }
  if (typeof trigger.table !== 'string' || trigger.table.trim() === '') problems.push({ pointer: `${at}/table`, message: 'table must name the watched table, e.g. public.users' });
  const operations = readOperations(trigger.on, at, problems);
  if (trigger.when !== undefined && typeof trigger.when !== 'string') problems.push({ pointer: `${at}/when`, message: 'when must be an SQL condition over old and new, e.g. "new.email is not null"' });
  if (trigger.role !== undefined && (typeof trigger.role !== 'string' || trigger.role === '')) problems.push({ pointer: `${at}/role`, message: 'role must name the Postgres role the executions act as' });
  if (trigger.claims !== undefined && (!isJsonObject(trigger.claims) || trigger.role === undefined)) {
    problems.push({ pointer: `${at}/claims`, message: 'claims must be an object of JWT claims, given with a role' });
  }
  const whenSql = typeof trigger.when === 'string' && trigger.when.trim() !== '' ? trigger.when.trim() : null;
  const role = typeof trigger.role === 'string' && trigger.role !== '' ? trigger.role : null;
  // The shape SQL resources read: the role to SET LOCAL ROLE to and the request.jwt.claims.
  const identity = role === null ? null : { role, claims: isJsonObject(trigger.claims) ? trigger.claims : { role } };
  return { index, table: typeof trigger.table === 'string' ? trigger.table.trim() : '', operations, whenSql, role, identity };
}

/** The `table` entries of a workflow's triggers, each checked; other kinds of trigger are left to their owners. */
export function readTableTriggers(triggers: readonly JsonObject[]): { triggers: TableTrigger[]; problems: TriggerProblem[] } {
  const problems: TriggerProblem[] = [];
  const found = triggers.flatMap((trigger, index) => ('table' in trigger ? [readTableTrigger(trigger, index, problems)] : []));
  return { triggers: found, problems };
}

function invalid(workflowName: string, problems: TriggerProblem[]): EngineError {
  const list = problems.map((p) => `${p.pointer}: ${p.message}`).join('; ');
  return new EngineError('INPUT_INVALID', `The table triggers of workflow ${JSON.stringify(workflowName)} cannot be installed: ${list}`, {
    details: { workflow: workflowName, problems },
  });
}

/**
 * A trigger's role is held to the rules of callers' roles (service/roles.ts): listed in roles:, and not
 * a superuser or BYPASSRLS role, since table-change executions always respect privacy rules.
 */
async function roleAllowed(tx: Queryable, deps: Pick<ServiceDeps, 'roles'>, trigger: TableTrigger, problems: TriggerProblem[]): Promise<boolean> {
  if (trigger.role === null) return true;
  try {
    refuseRole(deps, 'The table trigger', trigger.role, await findRoleAttributes(tx, trigger.role));
    return true;
  } catch (error) {
    if (!isEngineError(error)) throw error;
    problems.push({ pointer: `/triggers/${trigger.index}/role`, message: error.message });
    return false;
  }
}

export interface SyncReport {
  installed: number;
  kept: number;
  dropped: number;
}

/**
 * Makes the workflow's subscriptions match its `table` triggers: entries already installed are kept
 * (same table, operations, condition and identity), new ones get their trigger, removed ones lose it.
 * Each trigger is created in a savepoint so that every bad entry is reported; any problem rolls the
 * whole sync back. Also makes sure the outbox drain job exists while any subscription lives.
 */
export async function syncTableSubscriptions(deps: Pick<ServiceDeps, 'sql' | 'clock' | 'roles'>, workflowName: string, triggers: readonly JsonObject[]): Promise<SyncReport> {
  const read = readTableTriggers(triggers);
  if (read.problems.length > 0) throw invalid(workflowName, read.problems);
  return deps.sql.begin(async (tx) => {
    await lockTableSubscriptions(tx);
    const existing = await listTableSubscriptions(tx, workflowName);
    const problems: TriggerProblem[] = [];
    const report: SyncReport = { installed: 0, kept: 0, dropped: 0 };
    const matched = new Set<number>();
    for (const trigger of read.triggers) {
      if (!(await roleAllowed(tx, deps, trigger, problems))) continue;
      const wanted = await subscriptionOf(tx, workflowName, trigger, problems);
      if (!wanted) continue;
      const same = existing.find((s) => !matched.has(s.id) && sameSubscription(s, wanted));
      if (same) matched.add(same.id);
      if (same?.installed) {
        report.kept += 1;
        continue;
      }
      const subscription = same ?? (await insertTableSubscription(tx, wanted));
      if (await installTrigger(tx, subscription, trigger, problems)) report.installed += 1;
    }
    if (problems.length > 0) throw invalid(workflowName, problems);
    for (const stale of existing.filter((s) => !matched.has(s.id))) {
      await dropTableSubscription(tx, stale);
      report.dropped += 1;
    }
    await deleteDrainedSubscriptions(tx);
    // Idle workers sleep up to their poll interval; a new drain job wakes them (once per deploy).
    if (read.triggers.length > 0 && (await ensureDrainJob(tx, new Date(deps.clock.now())))) await notifyJobsAvailable(tx);
    return report;
  });
}

/** Thrown to roll the dry run's transaction back. */
const dryRunDone = Symbol('dry run done');

/**
 * Before a workflow is deployed: whether its table triggers can be installed — each table resolved,
 * each role found, each trigger (its `when` condition compiled by Postgres) created in a transaction
 * that is then rolled back, so nothing is left and every bad entry is listed.
 */
export async function checkTableTriggers(deps: Pick<ServiceDeps, 'sql'>, workflowName: string, triggers: readonly JsonObject[]): Promise<TriggerProblem[]> {
  const read = readTableTriggers(triggers);
  if (read.problems.length > 0 || read.triggers.length === 0) return read.problems;
  const problems: TriggerProblem[] = [];
  try {
    await deps.sql.begin(async (tx) => {
      for (const trigger of read.triggers) {
        const wanted = await subscriptionOf(tx, workflowName, trigger, problems);
        // No subscription row (the workflow may not exist yet): the trigger is made under a name of its own and rolled back.
        const row = wanted && { ...wanted, id: 0, triggerName: `nightshift_check_${trigger.index}`, installed: false };
        if (row) await installTrigger(tx, row, trigger, problems);
      }
      throw dryRunDone;
    });
  } catch (e) {
    if (e !== dryRunDone) throw e;
  }
  return problems;
}

/**
 * After a folder deploy (boot calls it): syncs the table triggers of every deployed workflow from its
 * current version. A workflow whose table triggers cannot be installed keeps its previous ones, and
 * the error (naming the workflow and each bad entry) goes to the logger.
 */
export async function syncDeployedTableSubscriptions(
  deps: Pick<ServiceDeps, 'sql' | 'clock'>,
  report: { deployed: ReadonlyArray<{ name: string }> },
  logger: Logger,
): Promise<void> {
  for (const { name } of report.deployed) {
    try {
      const workflow = await describeWorkflow(deps, name);
      await syncTableSubscriptions(deps, name, workflow.metadata.triggers ?? []);
    } catch (e) {
      logger.error({ workflow: name, error: e instanceof Error ? e.message : String(e) }, 'the table triggers of a workflow were not installed');
    }
  }
}

/** The subscription an entry asks for, its table resolved; null (and a problem) when the table or role does not exist. */
async function subscriptionOf(tx: TransactionSql, workflowName: string, trigger: TableTrigger, problems: TriggerProblem[]): Promise<NewTableSubscription | null> {
  const at = `/triggers/${trigger.index}`;
  let table: Awaited<ReturnType<typeof resolveTable>> = null;
  try {
    // A savepoint: a name Postgres cannot parse raises an error, which would abort the transaction.
    table = await tx.savepoint((sp) => resolveTable(sp, trigger.table));
  } catch (e) {
    problems.push({ pointer: `${at}/table`, message: `${JSON.stringify(trigger.table)} is not a table name: ${(e as Error).message}` });
    return null;
  }
  if (!table) {
    problems.push({ pointer: `${at}/table`, message: `no table is named ${JSON.stringify(trigger.table)} (create it before deploying the workflow)` });
    return null;
  }
  if (trigger.role !== null && !(await roleExists(tx, trigger.role))) {
    problems.push({ pointer: `${at}/role`, message: `no Postgres role is named ${JSON.stringify(trigger.role)}` });
    return null;
  }
  return { workflowName, ...table, operations: trigger.operations, whenSql: trigger.whenSql, identity: trigger.identity };
}

function sameSubscription(s: TableSubscriptionRow, wanted: NewTableSubscription): boolean {
  return s.schemaName === wanted.schemaName && s.tableName === wanted.tableName && s.whenSql === wanted.whenSql
    && isDeepStrictEqual(s.operations, wanted.operations) && isDeepStrictEqual(s.identity, wanted.identity);
}

/** Creates the trigger in a savepoint; a failure (most often the `when` condition) becomes a problem naming the Postgres error. */
async function installTrigger(tx: TransactionSql, subscription: TableSubscriptionRow, trigger: TableTrigger, problems: TriggerProblem[]): Promise<boolean> {
  try {
    await tx.savepoint((sp) => createTableTrigger(sp, subscription));
    return true;
  } catch (e) {
    const reason = (e as Error).message;
    const on = `${subscription.schemaName}.${subscription.tableName}`;
    problems.push(
      trigger.whenSql === null
        ? { pointer: `/triggers/${trigger.index}`, message: `the trigger on ${on} could not be created: ${reason}` }
        : { pointer: `/triggers/${trigger.index}/when`, message: `the condition ${JSON.stringify(trigger.whenSql)} on ${on} is not valid: ${reason}` },
    );
    return false;
  }
}

/** Enqueues the drain job unless it is already pending (its dedupe key); answers whether it did. */
export async function ensureDrainJob(sql: Queryable, runAt: Date): Promise<boolean> {
  const ids = await enqueueJobs(sql, [{ kind: outboxDrainJob.kind, dedupeKey: outboxDrainJob.dedupeKey, runAt }]);
  return ids.length > 0;
}
