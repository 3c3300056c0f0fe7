/**
 * Edges as orthogonal paths that keep off the nodes: an edge leaves its source downwards, turns in the
 * gap under the source's row, and enters its target from above. An edge to the next row goes straight
 * across; a longer one, or a loop back up, runs in a lane beside the rows it passes, on the side that
 * is the shorter way round. Routes are relative to the edge's end points, so a graph nested in a group
 * keeps them wherever the group sits.
 */
import type { GraphEdge, Vertex } from './layout.ts';

export interface EdgeRoute {
  /** Distance below the source's handle where the edge first turns. */
  down: number;
  /** Distance above the target's handle where it last turns. */
  up: number;
  /** The lane's horizontal offset from the source's handle; null when the edge needs no lane. */
  lane: number | null;
}

export interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
  rank: number;
}

export interface Placement {
  width: number;
  height: number;
  at: Map<string, Placed>;
  rows: Array<{ y: number; height: number; left: number; right: number }>;
}

export interface Point {
  x: number;
  y: number;
}

const laneGap = 18;
const laneStep = 10;

/** Every edge of the machine with its route; `left` and `right` are how far the lanes reach. */
export function routeEdges(graph: Map<string, Vertex>, placement: Placement, half: number): { edges: GraphEdge[]; left: number; right: number } {
  const used = { left: 0, right: 0 };
  const reach = { left: 0, right: placement.width };
  const edges: GraphEdge[] = [];
  for (const v of graph.values()) {
    v.next.forEach((t, i) => {
      const from = placement.at.get(v.id)!;
      const to = placement.at.get(t.target)!;
      const row = (rank: number) => placement.rows[rank];
      const down = row(from.rank).y + row(from.rank).height - (from.y + from.height) + half;
      const up = to.y - row(to.rank).y + half;
      const lane = to.rank === from.rank + 1 ? null : laneFor(placement, from, to, used, reach);
      edges.push({ id: `${v.id}->${t.target}#${i}`, source: v.id, target: t.target, kind: t.kind, ...(t.label ? { label: t.label } : {}), route: { down, up, lane } });
    });
  }
  return { edges, left: reach.left, right: reach.right };
}

/** The lane beside the rows the edge passes, outside the ones already used on that side. */
function laneFor(placement: Placement, from: Placed, to: Placed, used: { left: number; right: number }, reach: { left: number; right: number }): number {
  const [first, last] = to.rank > from.rank ? [from.rank + 1, to.rank - 1] : [to.rank, from.rank];
  const passed = placement.rows.slice(first, last + 1);
  const sx = from.x + from.width / 2;
  const tx = to.x + to.width / 2;
  const leftX = Math.min(...passed.map((r) => r.left)) - laneGap - used.left * laneStep;
  const rightX = Math.max(...passed.map((r) => r.right)) + laneGap + used.right * laneStep;
  const goLeft = Math.abs(sx - leftX) + Math.abs(tx - leftX) < Math.abs(sx - rightX) + Math.abs(tx - rightX);
  if (goLeft) {
    used.left += 1;
    reach.left = Math.min(reach.left, leftX - laneGap);
    return leftX - sx;
  }
  used.right += 1;
  reach.right = Math.max(reach.right, rightX + laneGap);
  return rightX - sx;
}

/** The corners of an edge from its source handle to its target handle. */
export function routePoints(source: Point, target: Point, route: EdgeRoute): Point[] {
  const turn = source.y + route.down;
  if (route.lane === null) {
    if (Math.abs(source.x - target.x) < 1) return [source, target];
    return [source, { x: source.x, y: turn }, { x: target.x, y: turn }, target];
  }
  const lane = source.x + route.lane;
  const entry = target.y - route.up;
  return [source, { x: source.x, y: turn }, { x: lane, y: turn }, { x: lane, y: entry }, { x: target.x, y: entry }, target];
}

/** Where the label sits: on the lane, else on the last stretch into the target. */
export function labelPoint(points: Point[]): Point {
  if (points.length === 6) return { x: points[2].x, y: (points[2].y + points[3].y) / 2 };
  const [a, b] = [points[points.length - 2], points[points.length - 1]];
  return { x: b.x, y: (a.y + b.y) / 2 };
}

/** An SVG path through the points with rounded corners. */
export function roundedPath(points: Point[], radius = 8): string {
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [p, c, n] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(radius, distance(p, c) / 2, distance(c, n) / 2);
    const a = toward(c, p, r);
    const b = toward(c, n, r);
    d += ` L ${a.x} ${a.y} Q ${c.x} ${c.y} ${b.x} ${b.y}`;
  }
  const end = points[points.length - 1];
  return `${d} L ${end.x} ${end.y}`;
}

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

function toward(from: Point, to: Point, length: number): Point {
  const total = distance(from, to) || 1;
  return { x: from.x + ((to.x - from.x) * length) / total, y: from.y + ((to.y - from.y) * length) / total };
}
