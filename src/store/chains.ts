/** Chains of executions started by workflows (workflow:start, now or later): the recursion guard's counts. */
import type { Queryable } from './connection.ts';

// executions_root_id_execution_idx, read only up to `upTo` entries: the guard needs to know whether
// the budget is reached, not the exact size of a chain far past it.
export async function countChainExecutions(sql: Queryable, rootId: string, upTo: number): Promise<number> {
  const [row] = await sql.unsafe<Array<{ count: number }>>(
    `select count(*)::int as count from (
       select 1 from nightshift.executions where root_id = $1 and kind = 'execution' limit $2
     ) chain`,
    [rootId, upTo] as never,
    { prepare: true },
  );
  return row.count;
}
