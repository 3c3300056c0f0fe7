/**
 * Chains of executions started by workflows (workflow:start, now or later): the recursion guard's
 * counts. A chain's budget is one row of nightshift.chains (0011_chain_runs_and_run_now.sql): a start
 * takes its place with one conditional update, so starts racing under fan-out cannot both take the
 * last place (the update waits for the row lock and checks `runs` again as committed).
 */
import type { Queryable } from './connection.ts';

// chains_pkey. The row lock serializes racing starts; Postgres re-checks the condition on the
// latest version of the row once the lock is granted.
const takeStatement = `
  update nightshift.chains set runs = runs + 1, updated_at = now()
  where root_id = $1 and runs + 1 <= $2
  returning runs`;

// executions_root_id_execution_idx, read only up to `upTo` entries: a chain without a row yet (its
// first start, or a chain from before the table) starts from the executions it has.
const createStatement = `
  insert into nightshift.chains (root_id, runs)
  select $1, count(*)::int from (select 1 from nightshift.executions where root_id = $1 and kind = 'execution' limit $2) chain
  on conflict (root_id) do nothing`;

/** Takes one place in the chain's budget; when it is full, answers how many runs the chain has taken. */
export async function takeChainRun(sql: Queryable, rootId: string, limit: number): Promise<{ taken: boolean; runs: number }> {
  const taken = await sql.unsafe<Array<{ runs: number }>>(takeStatement, [rootId, limit] as never, { prepare: true });
  if (taken.length > 0) return { taken: true, runs: taken[0].runs };
  await sql.unsafe(createStatement, [rootId, limit] as never, { prepare: true });
  const retaken = await sql.unsafe<Array<{ runs: number }>>(takeStatement, [rootId, limit] as never, { prepare: true });
  if (retaken.length > 0) return { taken: true, runs: retaken[0].runs };
  return { taken: false, runs: await countChainRuns(sql, rootId, limit) };
}

/** Gives back a place taken for a start that did not happen (a name or idempotency key already taken). */
export async function returnChainRun(sql: Queryable, rootId: string): Promise<void> {
  await sql.unsafe(`update nightshift.chains set runs = runs - 1, updated_at = now() where root_id = $1 and runs > 0`, [rootId], { prepare: true });
}

/** How many runs the chain has taken (its row, or its executions up to `upTo` when it has none yet). */
export async function countChainRuns(sql: Queryable, rootId: string, upTo: number): Promise<number> {
  const [row] = await sql.unsafe<Array<{ runs: number }>>(
    `select coalesce(
       (select runs from nightshift.chains where root_id = $1),
       (select count(*)::int from (select 1 from nightshift.executions where root_id = $1 and kind = 'execution' limit $2) chain)
     ) as runs`,
    [rootId, upTo] as never,
    { prepare: true },
  );
  return row.runs;
}

/** Retention: the budgets of these chains once no execution of theirs is left (executions_root_id_idx). */
export async function deleteEndedChains(sql: Queryable, rootIds: readonly string[]): Promise<void> {
  if (rootIds.length === 0) return;
  await sql.unsafe(
    `delete from nightshift.chains c
     where c.root_id = any($1::uuid[])
       and not exists (select 1 from nightshift.executions e where e.root_id = c.root_id)`,
    [rootIds as string[]] as never,
  );
}
