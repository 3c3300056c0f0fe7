/**
 * An ASL definition as a laid-out graph: one node per state, one edge per transition (Next, Default,
 * each Choice rule, each Catch), Map and Parallel states as groups holding their nested machines.
 * A layered layout from top to bottom: a state's row is its longest distance from the start (loops
 * ignored), and each row is ordered by where its predecessors sit, which keeps most edges uncrossed.
 * Pure: positions are relative to the parent group, as React Flow wants them.
 */
import { asMachine, mapProcessor, ruleLabel, stateDetail, type AslMachine, type AslState } from './asl.ts';
import { rankRows } from './ranks.ts';
import { routeEdges, type EdgeRoute, type Placement } from './routes.ts';

export type NodeKind = 'state' | 'group' | 'branch' | 'start' | 'end';
export type EdgeKind = 'next' | 'default' | 'choice' | 'catch';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  /** The state name (or Start, End, Branch n). */
  name: string;
  stateType?: string;
  detail?: string;
  x: number;
  y: number;
  width: number;
  height: number;
  parentId?: string;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  label?: string;
  /** How the edge runs around the nodes between its ends (routes.ts); relative to its end points. */
  route: EdgeRoute;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const startId = 'start';
export const endId = 'end';
/** State names are unique in the whole definition, branches and processors included. */
export const stateId = (name: string): string => `state:${name}`;
const branchId = (parallel: string, index: number): string => `branch:${parallel}:${index}`;

const size = { state: { width: 200, height: 60 }, terminal: { width: 76, height: 30 } };
export const gap = { row: 52, column: 32 };
const pad = { side: 20, top: 36, bottom: 20 };

interface Box {
  width: number;
  height: number;
  /** The box's own node first, then what it holds (relative positions). */
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Transition {
  target: string;
  kind: EdgeKind;
  label?: string;
}

function transitions(state: AslState): Transition[] {
  const out: Transition[] = [];
  state.Choices?.forEach((rule) => rule.Next && out.push({ target: rule.Next, kind: 'choice', label: clip(ruleLabel(rule)) }));
  if (state.Default) out.push({ target: state.Default, kind: 'default', label: 'Default' });
  if (state.Next) out.push({ target: state.Next, kind: 'next' });
  state.Catch?.forEach((c) => out.push({ target: c.Next, kind: 'catch', label: clip(`catch ${c.ErrorEquals.join(', ')}`) }));
  return out;
}

function clip(text: string, max = 34): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const endsMachine = (state: AslState) => state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';

/** The whole definition, with Start and End markers around the top-level machine. */
export function layoutDefinition(definition: unknown): Graph {
  const machine = asMachine(definition);
  if (!machine) return { nodes: [], edges: [], width: 0, height: 0 };
  const box = layoutMachine(machine, undefined, true);
  return { nodes: box.nodes, edges: box.edges, width: box.width, height: box.height };
}

/** A state's box: a plain node, or a group sized to hold its nested machines. */
function stateBox(name: string, state: AslState, parentId: string | undefined): Box {
  const id = stateId(name);
  const own = { id, name, stateType: state.Type, detail: stateDetail(state), x: 0, y: 0, parentId };
  const processor = state.Type === 'Map' ? mapProcessor(state) : null;
  if (processor) return wrap({ ...own, kind: 'group' }, [layoutMachine(processor, id, false)]);
  if (state.Type === 'Parallel' && state.Branches?.length) {
    const branches = state.Branches.map((branch, i) => {
      const bid = branchId(name, i);
      return wrap({ id: bid, kind: 'branch', name: `Branch ${i + 1}`, x: 0, y: 0, parentId: id }, [layoutMachine(branch, bid, false)]);
    });
    return wrap({ ...own, kind: 'group' }, branches);
  }
  return { ...size.state, nodes: [{ ...own, kind: 'state', ...size.state }], edges: [] };
}

/** A group node around boxes set side by side; the first-level nodes of each box become its children. */
function wrap(node: Omit<GraphNode, 'width' | 'height'>, boxes: Box[]): Box {
  let x = pad.side;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const box of boxes) {
    for (const child of box.nodes) nodes.push(child.parentId === node.id ? { ...child, x: child.x + x, y: child.y + pad.top } : child);
    edges.push(...box.edges);
    x += box.width + gap.column;
  }
  const width = Math.max(x - gap.column + pad.side, size.state.width);
  const height = pad.top + Math.max(0, ...boxes.map((b) => b.height)) + pad.bottom;
  return { width, height, nodes: [{ ...node, width, height }, ...nodes], edges };
}

export interface Vertex {
  id: string;
  box: Box;
  next: Transition[];
}

function vertices(machine: AslMachine, parentId: string | undefined, top: boolean): Map<string, Vertex> {
  const map = new Map<string, Vertex>();
  const terminal = (id: string, name: string, kind: NodeKind): Box => ({
    ...size.terminal, edges: [], nodes: [{ id, kind, name, x: 0, y: 0, ...size.terminal, parentId }],
  });
  if (top) map.set(startId, { id: startId, box: terminal(startId, 'Start', 'start'), next: [{ target: stateId(machine.StartAt), kind: 'next' }] });
  for (const [name, state] of Object.entries(machine.States)) {
    // A transition to a state of another machine is invalid ASL; the API stores none, the graph drops it.
    const next = transitions(state).filter((t) => t.target in machine.States).map((t) => ({ ...t, target: stateId(t.target) }));
    if (top && endsMachine(state)) next.push({ target: endId, kind: 'next' });
    map.set(stateId(name), { id: stateId(name), box: stateBox(name, state, parentId), next });
  }
  if (top) map.set(endId, { id: endId, box: terminal(endId, 'End', 'end'), next: [] });
  return map;
}

function layoutMachine(machine: AslMachine, parentId: string | undefined, top: boolean): Box {
  const graph = vertices(machine, parentId, top);
  const placement = place(graph, rankRows(graph, top ? startId : stateId(machine.StartAt)));
  const { edges, left, right } = routeEdges(graph, placement, gap.row / 2);
  // Lanes that run outside the rows widen the box; nodes move right by what runs out on the left.
  const shift = Math.max(0, -left);
  const nodes = placement.nodes.map((n) => (n.parentId === parentId ? { ...n, x: n.x + shift } : n));
  const inner = [...graph.values()].flatMap((v) => v.box.edges);
  return { width: Math.max(placement.width, right) + shift, height: placement.height, nodes, edges: [...inner, ...edges] };
}

/** Rows from the top; each row ordered by where its predecessors sit and centred on the widest. */
function place(graph: Map<string, Vertex>, layers: string[][]): Placement & { nodes: GraphNode[] } {
  const rowWidth = (row: string[]) => row.reduce((sum, id) => sum + graph.get(id)!.box.width, 0) + gap.column * (row.length - 1);
  const width = Math.max(...layers.map(rowWidth));
  const predecessors = new Map<string, string[]>();
  for (const v of graph.values()) for (const t of v.next) predecessors.set(t.target, [...(predecessors.get(t.target) ?? []), v.id]);
  const placement: Placement & { nodes: GraphNode[] } = { width, height: 0, at: new Map(), rows: [], nodes: [] };
  let y = 0;
  layers.forEach((layer, rank) => {
    const centers = (id: string) => (predecessors.get(id) ?? []).flatMap((p) => { const at = placement.at.get(p); return at ? [at.x + at.width / 2] : []; });
    const placed = layer.map((id) => ({ id, at: mean(centers(id)) }));
    // Stable: states without placed predecessors keep their discovery order.
    placed.sort((a, b) => (a.at === undefined || b.at === undefined ? 0 : a.at - b.at));
    const height = Math.max(...layer.map((id) => graph.get(id)!.box.height));
    let x = (width - rowWidth(layer)) / 2;
    placement.rows.push({ y, height, left: x, right: x + rowWidth(layer) });
    for (const { id } of placed) {
      const box = graph.get(id)!.box;
      const [own, ...inner] = box.nodes;
      const node = { ...own, x, y: y + (height - box.height) / 2 };
      placement.nodes.push(node, ...inner);
      placement.at.set(id, { x, y: node.y, width: box.width, height: box.height, rank });
      x += box.width + gap.column;
    }
    y += height + gap.row;
  });
  placement.height = y - gap.row;
  return placement;
}

function mean(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}
