/**
 * The rows of a layered layout: a state's row is its longest distance from the entry, loops (edges
 * back to a state still being explored) ignored; states the entry does not reach come after.
 */
import type { Vertex } from './layout.ts';

export function rankRows(graph: Map<string, Vertex>, entry: string): string[][] {
  const order: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 'open');
    // Last transition first: the reversed finishing order then lists successors in the definition's order.
    for (const t of [...(graph.get(id)?.next ?? [])].reverse()) {
      if (state.get(t.target) === 'open') back.add(`${id}->${t.target}`);
      else if (!state.has(t.target)) visit(t.target);
    }
    state.set(id, 'done');
    order.push(id);
  };
  if (graph.has(entry)) visit(entry);
  for (const id of graph.keys()) if (!state.has(id)) visit(id);
  const rank = new Map<string, number>();
  for (const id of order.reverse()) {
    const r = rank.get(id) ?? 0;
    rank.set(id, r);
    for (const t of graph.get(id)!.next) if (!back.has(`${id}->${t.target}`)) rank.set(t.target, Math.max(rank.get(t.target) ?? 0, r + 1));
  }
  const rows: string[][] = [];
  for (const id of order) (rows[rank.get(id)!] ??= []).push(id);
  return rows.filter(Boolean);
}
