/**
 * A workflow's definition drawn with React Flow. Given an execution's path, the states it entered and
 * the transitions it took stand out (coloured by how each ended) and the rest fades; clicking a state
 * selects it.
 */
import { useMemo } from 'react';
import { Background, Controls, MarkerType, Position, ReactFlow, type NodeHandle } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useTheme } from '../theme.ts';
import { edgeTypes, type RoutedFlowEdge } from './edges.tsx';
import { layoutDefinition, type GraphEdge, type GraphNode } from './layout.ts';
import { nodeTypes, type StateFlowNode } from './nodes.tsx';
import type { ExecutionPath } from './path.ts';

interface Props {
  definition: unknown;
  path?: ExecutionPath;
  selected?: string | null;
  onSelect?: (stateName: string | null) => void;
  /** Default: the graph's own height, between 280 and 720 pixels. */
  height?: number;
}

/** The side of a port's square, as styles.css draws `.react-flow__handle`. */
const port = 6;

/**
 * Where each node's two ports are, as React Flow would measure them (centred on the top and bottom
 * borders). Given up front, edges are drawn with their nodes: left to the DOM measurement, the edges
 * waited for it, and every new path or selection (fresh node objects) cleared the measured ports; a
 * measurement landing in the same React batch as such a clearing was lost and the edges were never
 * drawn (with the CPU slowed 8 times: 2 pages in 32 before, none in 40 since).
 */
function ports(width: number, height: number): NodeHandle[] {
  const x = width / 2 - port / 2;
  return [
    { type: 'target', position: Position.Top, x, y: -port / 2, width: port, height: port },
    { type: 'source', position: Position.Bottom, x, y: height - port / 2, width: port, height: port },
  ];
}

function flowNode(node: GraphNode, path: ExecutionPath | undefined, selected: string | null | undefined): StateFlowNode {
  const isState = node.kind === 'state' || node.kind === 'group';
  const status = isState ? path?.nodeStatus.get(node.id) : undefined;
  const terminalReached = !isState && path !== undefined && [...path.takenEdges].some((e) => e.startsWith(`${node.id}->`) || e.endsWith(`->${node.id}`));
  return {
    id: node.id,
    type: node.kind,
    position: { x: node.x, y: node.y },
    ...(node.parentId ? { parentId: node.parentId, extent: 'parent' as const } : {}),
    style: { width: node.width, height: node.height },
    width: node.width,
    height: node.height,
    handles: ports(node.width, node.height),
    selectable: isState,
    selected: isState && selected === node.name,
    data: {
      name: node.name, stateType: node.stateType, detail: node.detail, status,
      visits: path?.byNode.get(node.id)?.length,
      dimmed: path !== undefined && node.kind !== 'branch' && !status && !terminalReached,
    },
  };
}

function flowEdge(edge: GraphEdge, path: ExecutionPath | undefined): RoutedFlowEdge {
  const taken = path?.takenEdges.has(`${edge.source}->${edge.target}`) ?? false;
  const look = taken ? 'taken' : path ? 'faded' : '';
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    type: 'routed',
    label: edge.label,
    className: `edge-${edge.kind} ${look}`,
    // Above group nodes (edges inside a Map), and the path above the rest.
    zIndex: taken ? 11 : 10,
    selectable: false,
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: taken ? '#4f46e5' : look === 'faded' ? '#d0d5dd' : '#94a3b8' },
    data: { route: edge.route, look, kind: edge.kind },
  };
}

export function WorkflowGraph({ definition, path, selected, onSelect, height }: Props) {
  const theme = useTheme();
  const graph = useMemo(() => layoutDefinition(definition), [definition]);
  const nodes = useMemo(() => graph.nodes.map((n) => flowNode(n, path, selected)), [graph, path, selected]);
  const edges = useMemo(() => graph.edges.map((e) => flowEdge(e, path)), [graph, path]);
  if (graph.nodes.length === 0) return <div className="empty">This definition cannot be drawn.</div>;
  return (
    <div className="graph" style={{ height: height ?? Math.min(720, Math.max(280, graph.height + 90)) }} data-testid="workflow-graph">
      <ReactFlow
        colorMode={theme}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        fitView
        fitViewOptions={{ padding: 0.08, maxZoom: 1 }}
        minZoom={0.15}
        maxZoom={2}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        elementsSelectable={Boolean(onSelect)}
        onNodeClick={(_event, node) => {
          if (node.type === 'state' || node.type === 'group') onSelect?.((node.data as { name: string }).name);
        }}
        onPaneClick={() => onSelect?.(null)}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
