/**
 * EXPLAIN's JSON plans, for the tests that hold a statement to the index it names whatever the
 * statistics say (PERFORMANCE.md lesson 4; docs/glossary.md, "statistics-proof plan").
 */
import type { Queryable } from '../../src/store/index.ts';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** The plan of `statement` with `parameters`, explained with `options` (`costs off`, `analyze, …`). */
export async function explain(sql: Queryable, options: string, statement: string, parameters: never[]): Promise<PlanNode> {
  const [row] = await sql.unsafe(`explain (${options}, format json) ${statement}`, parameters);
  return (row['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan;
}

/** Every scan node of the plan that `selected` keeps, in plan order. */
export function scansIn(node: PlanNode, selected: (scan: PlanNode) => boolean, found: PlanNode[] = []): PlanNode[] {
  if (node['Node Type'].endsWith('Scan') && selected(node)) found.push(node);
  for (const child of node.Plans ?? []) scansIn(child, selected, found);
  return found;
}
